namespace TlsBroker.Client;

/// <summary>The broker's certificate verification result, with OpenSSL 3's X509_V_* numbers.</summary>
/// <param name="Code">0 (X509_V_OK) when the server was verified.</param>
/// <param name="Name">The constant's name, e.g. "X509_V_ERR_HOSTNAME_MISMATCH".</param>
/// <param name="Depth">Position in the chain of the certificate that failed, 0 being the server's own.</param>
public sealed record BrokerTlsVerifyResult(int Code, string Name, int Depth)
{
    public static BrokerTlsVerifyResult Ok { get; } = new(0, "X509_V_OK", 0);

    public bool IsOk => Code == 0;
}
