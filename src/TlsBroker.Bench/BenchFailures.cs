using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using TlsBroker.Bench.Paths;
using TlsBroker.Client;

namespace TlsBroker.Bench;

/// <summary>Which exceptions are a failed operation (counted in the report) rather than a bug in the bench.</summary>
internal static class BenchFailures
{
    /// <summary>A handshake or transfer that the server, the network, the broker or TLS made fail.</summary>
    public static bool IsOperationFailure(Exception exception) => exception is
        IOException or SocketException or AuthenticationException or BenchTlsException or BrokerTlsException
        or RpcException or TimeoutException;

    /// <summary>The phase's own time limit (not the user's Ctrl+C) stopped this operation.</summary>
    public static bool IsPhaseTimeout(Exception exception, CancellationToken phase, CancellationToken user) =>
        phase.IsCancellationRequested && !user.IsCancellationRequested
        && (exception is OperationCanceledException || IsOperationFailure(exception));
}
