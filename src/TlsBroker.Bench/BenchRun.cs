using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using TlsBroker.Bench.Paths;
using TlsBroker.Bench.Phases;
using TlsBroker.Bench.Report;
using TlsBroker.Client;

namespace TlsBroker.Bench;

/// <summary>
/// One bench run, as <c>tlsbroker bench</c> calls it: sets up the target, the broker and the
/// paths, checks that every path completes a verified handshake, then runs the phases one after
/// the other and returns every figure. Progress lines go to <c>progress</c>.
/// </summary>
internal static class BenchRun
{
    /// <exception cref="BenchSetupException">The target, the broker or a path is not usable; the bench measured nothing.</exception>
    public static async Task<BenchReport> RunAsync(BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        var startedUtc = DateTimeOffset.UtcNow;
        await using var setup = await BenchSetup.CreateAsync(settings, cancellationToken);
        await PreflightAsync(setup, settings, cancellationToken);
        return await new PhaseSequence(setup, settings, progress).RunAsync(startedUtc, cancellationToken);
    }

    /// <summary>One handshake per path and TLS version, every failure reported with its cause.</summary>
    private static async Task PreflightAsync(BenchSetup setup, BenchSettings settings, CancellationToken cancellationToken)
    {
        foreach (var path in setup.Paths)
        {
            foreach (var version in settings.TlsVersions)
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(settings.PhaseTimeout);
                try
                {
                    await new HandshakePhase(path, setup.Target, version).HandshakeAsync(deadline.Token);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && PreflightFailure(e) is { } failure)
                {
                    throw new BenchSetupException(
                        failure, $"the {path.Label} path cannot complete a TLS {version.Label()} handshake with {setup.Target.Display}: {e.GetType().Name}: {e.Message}", e);
                }
            }
        }
    }

    private static BenchSetupFailure? PreflightFailure(Exception e) => e switch
    {
        RpcException or BrokerException => BenchSetupFailure.BrokerError,
        AuthenticationException or BenchTlsException or BrokerTlsException => BenchSetupFailure.TlsFailure,
        OperationCanceledException or TimeoutException => BenchSetupFailure.Timeout,
        IOException or SocketException => BenchSetupFailure.ServerUnreachable,
        _ => null,
    };
}
