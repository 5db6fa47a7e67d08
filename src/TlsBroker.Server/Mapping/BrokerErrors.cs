using Google.Protobuf;
using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;

namespace TlsBroker.Server.Mapping;

/// <summary>
/// The one place where API misuse and service limits become gRPC status codes (DESIGN.md: TLS
/// failures are results in the stream; status codes are for misuse and limits). Each message
/// says what was wrong so that a caller can fix it without reading the broker's logs.
/// </summary>
internal static class BrokerErrors
{
    public static RpcException EmptyRequest() =>
        new BrokerRejection(StatusCode.InvalidArgument, "request has no step: set one of start, received, write, shutdown, export_keys", RejectionReason.Malformed);

    public static RpcException FirstMessageMustBeStart(ConnectRequest.StepOneofCase step) =>
        new BrokerRejection(StatusCode.InvalidArgument, $"first message must be start, got {step.ToString().ToLowerInvariant()}", RejectionReason.Malformed);

    public static RpcException MalformedRequest(InvalidProtocolBufferException malformed) =>
        new BrokerRejection(StatusCode.InvalidArgument, $"request is not a valid ConnectRequest (protobuf): {malformed.Message}", RejectionReason.Malformed);

    public static RpcException Misuse(SessionMisuseException misuse) =>
        new BrokerRejection(StatusCode.InvalidArgument, misuse.Message, RejectionReason.Malformed);

    public static RpcException InvalidServerName(string serverName, string error) =>
        new BrokerRejection(StatusCode.InvalidArgument, $"server_name '{Excerpt.Of(serverName)}' is invalid: {error}", RejectionReason.Malformed);

    public static RpcException InvalidExpectedIdentity(int index, string error) =>
        new BrokerRejection(StatusCode.InvalidArgument, $"expected_identities[{index}] is invalid: {error}", RejectionReason.Malformed);

    public static RpcException TooManyExpectedIdentities(int count, int limit) =>
        new BrokerRejection(StatusCode.InvalidArgument, $"expected_identities has {count} entries; at most {limit} are allowed", RejectionReason.Malformed);

    public static RpcException InvalidPolicyName(string policy) =>
        new BrokerRejection(StatusCode.InvalidArgument, $"policy '{Excerpt.Of(policy)}' is not a policy name: {PolicyName.Rule}", RejectionReason.Malformed);

    public static RpcException NoCertificates() =>
        new BrokerRejection(StatusCode.InvalidArgument, "certificates is empty: give the chain as the server sends it, DER, its own certificate first", RejectionReason.Malformed);

    /// <remarks>An unknown policy and a policy the caller may not use get the same answer, so that policy names do not leak.</remarks>
    public static RpcException PolicyNotGranted(string policy) =>
        new BrokerRejection(StatusCode.PermissionDenied, $"policy '{Excerpt.Of(policy)}' does not exist or is not granted to this caller", RejectionReason.Policy);

    /// <remarks>The authentication middleware names every caller before the service runs; a call without one is refused, never served.</remarks>
    public static RpcException NoCaller() =>
        new BrokerRejection(StatusCode.Unauthenticated, "the call was not authenticated", RejectionReason.Auth);

    public static RpcException ServerNameOutsidePolicy(string serverName, string policy) =>
        new BrokerRejection(StatusCode.PermissionDenied, $"server_name '{Excerpt.Of(serverName)}' is not allowed by policy '{policy}'", RejectionReason.Policy);

    public static RpcException KeyExportNotGranted(string policy, string caller) =>
        new BrokerRejection(StatusCode.PermissionDenied, $"policy '{policy}' does not grant key export to caller '{Excerpt.Of(caller)}' (its KeyExport:Allowed and KeyExport:Callers)", RejectionReason.Policy);

    public static RpcException KeyExportRefused(KeyExportRefusedException refused) =>
        new BrokerRejection(StatusCode.FailedPrecondition, "key export refused: " + refused.Message, RejectionReason.Malformed);

    public static RpcException SessionLimitReached(int limit) =>
        new BrokerRejection(StatusCode.ResourceExhausted, $"session limit reached: the broker holds {limit} sessions at most; retry later", RejectionReason.Capacity);

    public static RpcException ShuttingDown() =>
        new BrokerRejection(StatusCode.Unavailable, "broker is shutting down: it starts no new session; retry on another replica", RejectionReason.Shutdown);

    public static RpcException DrainTimeExpired(TimeSpan drainTimeout) =>
        new BrokerRejection(StatusCode.Unavailable, $"broker is shutting down: the session did not end within the drain time ({drainTimeout.TotalSeconds:0.###} s)", RejectionReason.Shutdown);

    public static RpcException StartDeadlineExceeded(TimeSpan timeout) =>
        new BrokerRejection(StatusCode.DeadlineExceeded, $"no start message within the handshake timeout ({timeout.TotalSeconds:0.###} s)", RejectionReason.Deadline);

    public static RpcException HandshakeDeadlineExceeded(TimeSpan timeout) =>
        new BrokerRejection(StatusCode.DeadlineExceeded, $"handshake timeout: the handshake did not complete within {timeout.TotalSeconds:0.###} s (the server never answered?)", RejectionReason.Deadline);

    public static RpcException ResponsesNotRead(TimeSpan timeout) =>
        new BrokerRejection(StatusCode.DeadlineExceeded, $"the caller read no response for {timeout.TotalSeconds:0.###} s (idle timeout): the session is ended", RejectionReason.Deadline);

    public static RpcException BufferedResponsesOverLimit(int limit) =>
        new BrokerRejection(StatusCode.ResourceExhausted, $"the caller left more than {limit} bytes of responses unread (MaxBufferedResponseBytes): the session is ended", RejectionReason.Limit);

    public static RpcException IdleDeadlineExceeded(TimeSpan timeout) =>
        new BrokerRejection(StatusCode.DeadlineExceeded, $"idle timeout: no message for {timeout.TotalSeconds:0.###} s", RejectionReason.Deadline);
}
