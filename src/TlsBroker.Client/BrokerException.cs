using Grpc.Core;

namespace TlsBroker.Client;

/// <summary>
/// The broker refused or failed a request for a reason that is not a TLS result: a message it
/// found out of order or too large (<see cref="StatusCode.InvalidArgument"/>,
/// <see cref="StatusCode.ResourceExhausted"/>), a session limit, or a fault of the broker itself.
/// Subclasses name the common cases: <see cref="BrokerUnavailableException"/> and
/// <see cref="BrokerAccessDeniedException"/>. TLS failures are <see cref="BrokerTlsAuthenticationException"/>
/// (handshake) and <see cref="BrokerTlsException"/> (data phase) instead.
/// </summary>
public class BrokerException : IOException
{
    /// <summary>Creates the exception for a broker at <paramref name="broker"/> that answered with <paramref name="statusCode"/>.</summary>
    /// <param name="broker">The broker's address.</param>
    /// <param name="statusCode">The gRPC status the broker ended the call with.</param>
    /// <param name="detail">The broker's explanation.</param>
    /// <param name="innerException">The gRPC failure.</param>
    public BrokerException(string broker, StatusCode statusCode, string detail, Exception? innerException)
        : this($"the broker at {broker} refused the request ({statusCode}): {detail}", broker, statusCode, detail, innerException)
    {
    }

    /// <summary>Creates the exception with its own message, for subclasses.</summary>
    /// <param name="message">What failed, for people.</param>
    /// <param name="broker">The broker's address.</param>
    /// <param name="statusCode">The gRPC status the call ended with.</param>
    /// <param name="detail">The broker's (or the gRPC library's) explanation.</param>
    /// <param name="innerException">The gRPC failure.</param>
    protected BrokerException(string message, string broker, StatusCode statusCode, string detail, Exception? innerException)
        : base(message, innerException)
    {
        Broker = broker;
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>The broker's address, as the channel names it (e.g. <c>127.0.0.1:5001</c>).</summary>
    public string Broker { get; }

    /// <summary>The gRPC status code the call ended with.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The explanation that came with the status.</summary>
    public string Detail { get; }
}
