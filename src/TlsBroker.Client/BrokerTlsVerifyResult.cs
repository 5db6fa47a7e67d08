namespace TlsBroker.Client;

/// <summary>The broker's certificate verification result, with OpenSSL 3's X509_V_* numbers.</summary>
/// <param name="Code">0 (X509_V_OK) when the server was verified, e.g. 62 for X509_V_ERR_HOSTNAME_MISMATCH.</param>
/// <param name="Name">The constant's name, e.g. "X509_V_ERR_HOSTNAME_MISMATCH".</param>
/// <param name="Depth">Position in the chain of the certificate that failed, 0 being the server's own.</param>
public sealed record BrokerTlsVerifyResult(int Code, string Name, int Depth)
{
    /// <summary>X509_V_OK: the server's chain and name were verified.</summary>
    public static BrokerTlsVerifyResult Ok { get; } = new(0, "X509_V_OK", 0);

    /// <summary>True when <see cref="Code"/> is 0 (X509_V_OK).</summary>
    public bool IsOk => Code == 0;
}
