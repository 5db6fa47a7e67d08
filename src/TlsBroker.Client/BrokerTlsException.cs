namespace TlsBroker.Client;

/// <summary>
/// The established TLS session failed: a fatal alert in the data phase, or the server closed TCP
/// without close_notify (<see cref="BrokerTlsResult.IsUnexpectedEof"/>, which OpenSSL 3 reports as
/// "unexpected eof while reading": the data read may be truncated). <see cref="Result"/> carries the
/// whole status. Handshake failures are <see cref="BrokerTlsAuthenticationException"/> instead.
/// </summary>
public sealed class BrokerTlsException : IOException
{
    /// <summary>Creates the exception for a session that ended with <paramref name="result"/>.</summary>
    /// <param name="result">The broker's status.</param>
    public BrokerTlsException(BrokerTlsResult result)
        : base(Describe(result))
    {
        Result = result;
    }

    /// <summary>The broker's status: ret, SSL error, alert, verify result, reason.</summary>
    public BrokerTlsResult Result { get; }

    /// <summary>True when the server closed TCP without close_notify.</summary>
    public bool IsUnexpectedEof => Result.IsUnexpectedEof;

    private static string Describe(BrokerTlsResult result)
    {
        var reason = result.Reason.Length == 0
            ? result.IsUnexpectedEof ? "unexpected eof while reading" : "no reason given"
            : result.Reason;
        var alert = result.Alert is { } a ? $", alert {a.Name}({a.Code}) {(a.Sent ? "sent" : "received")}" : string.Empty;
        return $"TLS session failed: {reason} (ret={result.Ret} {result.ErrorName}{alert})";
    }
}
