using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Server.Callers;

/// <summary>One textual form of a distinguished name, so that "CN=a,O=b" in configuration matches a certificate's "CN=a, O=b".</summary>
internal static class CertificateSubjects
{
    /// <exception cref="System.Security.Cryptography.CryptographicException">The text is not a distinguished name.</exception>
    public static string Normalize(string distinguishedName) => Normalize(new X500DistinguishedName(distinguishedName));

    public static string Normalize(X500DistinguishedName name) => name.Decode(X500DistinguishedNameFlags.Reversed | X500DistinguishedNameFlags.UseCommas);
}
