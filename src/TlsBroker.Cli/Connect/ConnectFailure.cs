using System.Net.Sockets;
using Grpc.Core;
using TlsBroker.Client;

namespace TlsBroker.Cli.Connect;

/// <summary>A failure that is not a TLS result, with the exit code that says which part failed.</summary>
internal sealed record ConnectFailure(int ExitCode, string Message)
{
    /// <summary>Maps the exceptions a connect run expects to an exit code and a message; null for a bug.</summary>
    public static ConnectFailure? Classify(Exception exception, ConnectSettings settings, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } when cancellationToken.IsCancellationRequested =>
            new(ExitCodes.Interrupted, "tlsbroker: interrupted"),
        BrokerException e =>
            new(ExitCodes.BrokerError, $"tlsbroker: broker {settings.Broker} failed: {e.StatusCode}: {e.Detail}"),
        RpcException { StatusCode: StatusCode.DeadlineExceeded } e =>
            new(ExitCodes.Timeout, $"tlsbroker: the broker's deadline expired: {e.Status.Detail}"),
        RpcException e =>
            new(ExitCodes.BrokerError, $"tlsbroker: broker {settings.Broker} failed: {e.StatusCode}: {e.Status.Detail}"),
        TimeoutException e =>
            new(ExitCodes.Timeout, $"tlsbroker: timed out: {e.Message}"),
        BrokerTlsException => null,
        IOException or SocketException =>
            new(ExitCodes.ServerUnreachable, $"tlsbroker: the connection to {settings.Server} failed: {exception.Message}"),
        _ => null,
    };
}
