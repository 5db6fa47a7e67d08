using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Engine;
using TlsBroker.Server.Audit;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Reload;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Service;

/// <summary>
/// tlsbroker.v1.BrokerService: a thin adapter from the gRPC stream to a <see cref="ConnectCall"/>,
/// and from the unary Verify to a <see cref="VerifyCall"/>.
/// Whatever ends the stream (completion, misuse, a deadline, the caller cancelling or vanishing),
/// the session and its slot are freed before this method returns.
/// </summary>
internal sealed class ConnectService(
    LiveConfiguration live,
    ActiveSessions activeSessions,
    TimeProvider timeProvider,
    BrokerMetrics metrics,
    SessionAuditor auditor,
    BrokerDrain drain,
    ILoggerFactory loggerFactory) : BrokerService.BrokerServiceBase
{
    public const string LogCategory = "TlsBroker.Server.Sessions";

    private readonly ILogger logger = loggerFactory.CreateLogger(LogCategory);

    public override async Task Connect(
        IAsyncStreamReader<ConnectRequest> requestStream,
        IServerStreamWriter<ConnectResponse> responseStream,
        ServerCallContext context)
    {
        var caller = context.GetHttpContext().Features.Get<Caller>() ?? throw BrokerErrors.NoCaller();
        using var call = new ConnectCall(live, activeSessions, timeProvider, metrics, auditor, logger, caller);
        try
        {
            if (drain.IsDraining)
            {
                throw BrokerErrors.ShuttingDown();
            }

            await call.RunAsync(requestStream, responseStream, new CallCancellation(context.CancellationToken, drain.Expired));
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
        catch (Exception) when (drain.Expired.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            var error = BrokerErrors.DrainTimeExpired(drain.DrainTimeout);
            Reject(call, error);
            throw error;
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested)
        {
            call.End("caller cancelled or disconnected", StatusCode.Cancelled);
            throw;
        }
    }

    public override Task<VerifyResponse> Verify(VerifyRequest request, ServerCallContext context)
    {
        var caller = context.GetHttpContext().Features.Get<Caller>() ?? throw BrokerErrors.NoCaller();
        try
        {
            return Task.FromResult(VerifyCall.Run(request, caller, live, timeProvider));
        }
        catch (BrokerRejection rejection)
        {
            BrokerLog.CallRejected(logger, context.GetHttpContext().TraceIdentifier, rejection.StatusCode.ToString(), rejection.Status.Detail);
            metrics.CallRejected(rejection.Reason);
            throw;
        }
    }

    private void Reject(ConnectCall call, RpcException error)
    {
        BrokerLog.CallRejected(logger, call.Id, error.StatusCode.ToString(), error.Status.Detail);
        metrics.CallRejected(error is BrokerRejection rejection ? rejection.Reason : "other");
        call.End($"{error.StatusCode}: {error.Status.Detail}", error.StatusCode);
    }
}
