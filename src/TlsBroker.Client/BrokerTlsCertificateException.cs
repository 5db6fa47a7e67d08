namespace TlsBroker.Client;

/// <summary>
/// The broker did not verify the server's certificate (chain, name, validity, pins):
/// <see cref="BrokerTlsAuthenticationException.Verify"/> carries the X509_V_* code, its name and the
/// depth of the certificate that failed, e.g. 62 X509_V_ERR_HOSTNAME_MISMATCH at depth 0.
/// </summary>
public sealed class BrokerTlsCertificateException : BrokerTlsAuthenticationException
{
    /// <summary>Creates the exception for a handshake that ended with <paramref name="result"/>.</summary>
    /// <param name="result">The broker's status, whose verify result is not OK.</param>
    public BrokerTlsCertificateException(BrokerTlsResult result)
        : base(Describe("the server's certificate was not verified", result), result)
    {
    }
}
