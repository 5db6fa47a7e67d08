using Grpc.Core;

namespace TlsBroker.Client;

/// <summary>
/// The broker did not let this caller open the session: the policy does not exist or is not
/// granted to the caller, the server name is outside the policy (<see cref="StatusCode.PermissionDenied"/>),
/// or the caller did not authenticate, e.g. a missing or wrong API key (<see cref="StatusCode.Unauthenticated"/>).
/// </summary>
public sealed class BrokerAccessDeniedException : BrokerException
{
    /// <summary>Creates the exception for the broker at <paramref name="broker"/>.</summary>
    /// <param name="broker">The broker's address.</param>
    /// <param name="statusCode"><see cref="StatusCode.PermissionDenied"/> or <see cref="StatusCode.Unauthenticated"/>.</param>
    /// <param name="detail">The broker's explanation, e.g. which policy it refused.</param>
    /// <param name="innerException">The gRPC failure.</param>
    public BrokerAccessDeniedException(string broker, StatusCode statusCode, string detail, Exception? innerException)
        : base(
            statusCode == StatusCode.Unauthenticated
                ? $"the broker at {broker} did not accept this caller's credentials: {detail}"
                : $"the broker at {broker} denied access: {detail}",
            broker,
            statusCode,
            detail,
            innerException)
    {
    }
}
