using System.Security.Authentication;

namespace TlsBroker.Client;

/// <summary>
/// The TLS handshake failed (as <see cref="System.Net.Security.SslStream"/> reports it, an
/// <see cref="AuthenticationException"/>): the server sent an alert, the broker sent one, or the
/// server closed the connection. <see cref="Result"/> carries the whole status; a failed
/// certificate verification is the subclass <see cref="BrokerTlsCertificateException"/>.
/// </summary>
public class BrokerTlsAuthenticationException : AuthenticationException
{
    /// <summary>Creates the exception for a handshake that ended with <paramref name="result"/>.</summary>
    /// <param name="result">The broker's status for the failed handshake.</param>
    public BrokerTlsAuthenticationException(BrokerTlsResult result)
        : base(Describe("TLS handshake failed", result))
    {
        Result = result;
    }

    /// <summary>Creates the exception with its own message, for subclasses.</summary>
    /// <param name="message">What failed, for people.</param>
    /// <param name="result">The broker's status for the failed handshake.</param>
    protected BrokerTlsAuthenticationException(string message, BrokerTlsResult result)
        : base(message)
    {
        Result = result;
    }

    /// <summary>The broker's status: ret, SSL error, alert, verify result, reason.</summary>
    public BrokerTlsResult Result { get; }

    /// <summary>The alert that ended the handshake, sent or received; null when none.</summary>
    public BrokerTlsAlert? Alert => Result.Alert;

    /// <summary>The certificate verification result (code 0 unless verification failed).</summary>
    public BrokerTlsVerifyResult Verify => Result.Verify;

    /// <summary>Builds a message from <paramref name="result"/> with every field a reader needs.</summary>
    /// <param name="what">What failed.</param>
    /// <param name="result">The broker's status.</param>
    protected static string Describe(string what, BrokerTlsResult result)
    {
        var reason = result.Reason.Length == 0 ? "no reason given" : result.Reason;
        var alert = result.Alert is { } a ? $", alert {a.Name}({a.Code}) {(a.Sent ? "sent" : "received")}" : string.Empty;
        var verify = result.Verify.IsOk ? string.Empty : $", verify {result.Verify.Code} {result.Verify.Name} at depth {result.Verify.Depth}";
        return $"{what}: {reason} (ret={result.Ret} {result.ErrorName}{alert}{verify})";
    }

    /// <summary>The exception for a failed handshake: the certificate subclass when verification failed.</summary>
    internal static BrokerTlsAuthenticationException From(BrokerTlsResult result) =>
        result.Verify.IsOk ? new BrokerTlsAuthenticationException(result) : new BrokerTlsCertificateException(result);
}
