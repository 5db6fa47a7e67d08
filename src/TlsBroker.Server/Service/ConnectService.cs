using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Engine;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Policies;
using TlsBroker.Server.Resumption;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Service;

/// <summary>
/// tlsbroker.v1.BrokerService: a thin adapter from the gRPC stream to a <see cref="ConnectCall"/>.
/// Whatever ends the stream (completion, misuse, a deadline, the caller cancelling or vanishing),
/// the session and its slot are freed before this method returns.
/// </summary>
internal sealed class ConnectService(
    PolicyCatalog catalog,
    ActiveSessions activeSessions,
    IOptions<BrokerOptions> options,
    TimeProvider timeProvider,
    BrokerMetrics metrics,
    ResumptionTokens resumptionTokens,
    ILoggerFactory loggerFactory) : BrokerService.BrokerServiceBase
{
    public const string LogCategory = "TlsBroker.Server.Sessions";

    private readonly ILogger logger = loggerFactory.CreateLogger(LogCategory);

    public override async Task Connect(
        IAsyncStreamReader<ConnectRequest> requestStream,
        IServerStreamWriter<ConnectResponse> responseStream,
        ServerCallContext context)
    {
        using var call = new ConnectCall(catalog, activeSessions, options.Value, timeProvider, metrics, resumptionTokens, logger);
        try
        {
            await call.RunAsync(requestStream, responseStream, context.CancellationToken);
            call.End("stream completed by the caller");
        }
        catch (SessionMisuseException misuse)
        {
            var error = BrokerErrors.Misuse(misuse);
            Reject(call, error);
            throw error;
        }
        catch (RpcException error)
        {
            Reject(call, error);
            throw;
        }
        catch (InvalidProtocolBufferException malformed)
        {
            var error = BrokerErrors.MalformedRequest(malformed);
            Reject(call, error);
            throw error;
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested)
        {
            call.End("caller cancelled or disconnected");
            throw;
        }
    }

    private void Reject(ConnectCall call, RpcException error)
    {
        BrokerLog.CallRejected(logger, call.Id, error.StatusCode.ToString(), error.Status.Detail);
        call.End($"{error.StatusCode}: {error.Status.Detail}");
    }
}
