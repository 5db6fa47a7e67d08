using System.Net.Security;
using System.Net.Sockets;
using Grpc.Net.Client;
using TlsBroker.Cli.BrokerConnection;
using TlsBroker.Client;

namespace TlsBroker.Cli.Connect;

/// <summary>
/// <c>tlsbroker connect</c>: opens TCP to the server, lets the broker run the handshake over it,
/// prints one status line per outcome on stderr and relays application data (see <see cref="Relay"/>).
/// </summary>
internal sealed class ConnectRunner
{
    private readonly ConsoleStreams console;

    public ConnectRunner(ConsoleStreams console)
    {
        this.console = console;
    }

    /// <returns>One of <see cref="ExitCodes"/>.</returns>
    public async Task<int> RunAsync(ConnectSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            byte[] token = [];
            if (settings.SessionIn is { } sessionIn)
            {
                try
                {
                    token = await File.ReadAllBytesAsync(sessionIn, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await console.Error.WriteLineAsync($"tlsbroker: cannot read --sess-in {sessionIn}: {e.Message}");
                    return ExitCodes.Usage;
                }
            }

            var (apiKey, apiKeyError) = await ApiKeyFile.ReadAsync(settings.ApiKeyFile, cancellationToken);
            if (apiKeyError is not null)
            {
                await console.Error.WriteLineAsync(apiKeyError);
                return ExitCodes.Usage;
            }

            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (!await TryConnectServerAsync(socket, settings, cancellationToken))
            {
                return ExitCodes.ServerUnreachable;
            }

            using var channel = GrpcChannel.ForAddress(settings.Broker, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { ConnectTimeout = settings.Timeout },
            });
            // A cache of one: --sess-in fills it, the session replaces its token, --sess-out saves that.
            var sessions = new BrokerTlsSessionCache();
            var sessionKey = new BrokerTlsSessionKey(channel.Target, settings.Policy, settings.ServerName);
            if (token.Length > 0)
            {
                sessions.SetToken(sessionKey, token);
            }

            var options = new BrokerTlsClientOptions
            {
                TargetHost = settings.ServerName,
                Policy = settings.Policy,
                ApplicationProtocols = [.. settings.Alpn.Select(protocol => new SslApplicationProtocol(protocol))],
                Broker = channel,
                Timeout = settings.Timeout,
                SessionCache = sessions,
                ApiKey = apiKey,
            };
            await using (var tls = new BrokerTlsStream(new NetworkStream(socket, ownsSocket: false)))
            {
                try
                {
                    await tls.AuthenticateAsClientAsync(options, cancellationToken);
                }
                catch (BrokerTlsAuthenticationException e)
                {
                    await console.Error.WriteLineAsync(StatusLine.HandshakeFailed(e.Result));
                    if (!e.Result.Verify.IsOk)
                    {
                        await console.Error.WriteLineAsync(StatusLine.VerifiedBy(settings.Broker, settings.Policy));
                    }
                    return ExitCodes.TlsFailure;
                }

                await console.Error.WriteLineAsync(StatusLine.Established(tls.SessionInfo));
                var end = await new Relay(tls, console, settings.Timeout).RunAsync(cancellationToken);
                await console.Error.WriteLineAsync(StatusLine.SessionEnded(end));
                if (settings.SessionOut is { } sessionOut && sessions.TryGetToken(sessionKey, out var issued))
                {
                    await File.WriteAllBytesAsync(sessionOut, issued, cancellationToken);
                }

                return ExitCodeFor(end, tls.SessionInfo);
            }
        }
        catch (Exception e) when (ConnectFailure.Classify(e, settings, cancellationToken) is { } failure)
        {
            await console.Error.WriteLineAsync(failure.Message);
            return failure.ExitCode;
        }
    }

    /// <summary>
    /// Success needs a verified server and an end chosen by the server: close_notify, or a TCP
    /// close without it, which is still reported as unexpected EOF, as OpenSSL 3 does.
    /// </summary>
    private static int ExitCodeFor(BrokerTlsResult end, BrokerTlsSessionInfo session) =>
        end.Error is SslErrorCode.ZeroReturn or SslErrorCode.Syscall && session.Verify.IsOk
            ? ExitCodes.Success
            : ExitCodes.TlsFailure;

    private async Task<bool> TryConnectServerAsync(Socket socket, ConnectSettings settings, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        try
        {
            await socket.ConnectAsync(settings.Server.Host, settings.Server.Port, deadline.Token);
            return true;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"connecting to {settings.Server} took longer than {settings.Timeout.TotalSeconds:0.###} s", e);
        }
        catch (SocketException e)
        {
            await console.Error.WriteLineAsync($"tlsbroker: cannot connect to {settings.Server}: {e.Message}");
            return false;
        }
    }

}
