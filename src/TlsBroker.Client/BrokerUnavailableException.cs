using Grpc.Core;

namespace TlsBroker.Client;

/// <summary>
/// The broker could not be reached, or the connection to it broke (it stopped, or the network
/// failed) before or during the session. The TLS session, if one was established, is lost.
/// </summary>
public sealed class BrokerUnavailableException : BrokerException
{
    /// <summary>Creates the exception for the broker at <paramref name="broker"/>.</summary>
    /// <param name="broker">The broker's address.</param>
    /// <param name="detail">What the gRPC library reported.</param>
    /// <param name="innerException">The gRPC failure.</param>
    public BrokerUnavailableException(string broker, string detail, Exception? innerException)
        : base($"the broker at {broker} is unavailable: {detail}", broker, StatusCode.Unavailable, detail, innerException)
    {
    }
}
