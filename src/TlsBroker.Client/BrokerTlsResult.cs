using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// The OpenSSL-style status of one broker step (<c>SSL_connect(3)</c>, <c>SSL_get_error(3)</c>):
/// <see cref="Ret"/> 1 or a byte count on success, 0 on controlled shutdown, -1 otherwise.
/// </summary>
public sealed record BrokerTlsResult
{
    /// <summary>As SSL_connect / SSL_read / SSL_shutdown return it: 1 (or a byte count), 0, or -1.</summary>
    public required int Ret { get; init; }

    /// <summary>What <c>SSL_get_error(3)</c> would return for <see cref="Ret"/>.</summary>
    public required SslErrorCode Error { get; init; }

    /// <summary>The alert that ended the session, sent or received; null when none.</summary>
    public BrokerTlsAlert? Alert { get; init; }

    /// <summary>The certificate verification result; <see cref="BrokerTlsVerifyResult.Ok"/> unless verification failed.</summary>
    public BrokerTlsVerifyResult Verify { get; init; } = BrokerTlsVerifyResult.Ok;

    /// <summary>Human-readable reason for a failure, as OpenSSL's error string would give it; empty on success.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>OpenSSL's name for <see cref="Error"/>, e.g. "SSL_ERROR_ZERO_RETURN".</summary>
    public string ErrorName => SslErrorNames.Of(Error);

    /// <summary>True when the server closed TCP without close_notify (SSL_ERROR_SYSCALL): the data may be truncated.</summary>
    public bool IsUnexpectedEof => Error == SslErrorCode.Syscall;

    internal static BrokerTlsResult From(ConnectResponse response) => new()
    {
        Ret = response.Ret,
        Error = (SslErrorCode)response.Error,
        Alert = response.Alert is { } alert
            ? new BrokerTlsAlert(alert.Description, alert.Name, alert.Sent, alert.Level == AlertLevel.Fatal)
            : null,
        Verify = response.Verify is { } verify
            ? new BrokerTlsVerifyResult(verify.Code, verify.Name, verify.Depth)
            : BrokerTlsVerifyResult.Ok,
        Reason = response.Reason,
    };
}
