using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// The OpenSSL-style status of one broker step (<c>SSL_connect(3)</c>, <c>SSL_get_error(3)</c>):
/// <see cref="Ret"/> 1 or a byte count on success, 0 on controlled shutdown, -1 otherwise.
/// </summary>
public sealed record BrokerTlsResult
{
    public required int Ret { get; init; }

    public required SslError Error { get; init; }

    /// <summary>The alert that ended the session, sent or received; null when none.</summary>
    public BrokerTlsAlert? Alert { get; init; }

    public BrokerTlsVerifyResult Verify { get; init; } = BrokerTlsVerifyResult.Ok;

    /// <summary>Human-readable reason for a failure, as OpenSSL's error string would give it; empty on success.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>OpenSSL's name for <see cref="Error"/>, e.g. "SSL_ERROR_ZERO_RETURN".</summary>
    public string ErrorName => SslErrorNames.Of(Error);

    internal static BrokerTlsResult From(ConnectResponse response) => new()
    {
        Ret = response.Ret,
        Error = response.Error,
        Alert = response.Alert is { } alert
            ? new BrokerTlsAlert(alert.Description, alert.Name, alert.Sent, alert.Level == AlertLevel.Fatal)
            : null,
        Verify = response.Verify is { } verify
            ? new BrokerTlsVerifyResult(verify.Code, verify.Name, verify.Depth)
            : BrokerTlsVerifyResult.Ok,
        Reason = response.Reason,
    };
}
