using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>The server certificate's subjectAltName entries by type, each read once, on first use.</summary>
internal sealed class LeafNames(X509Certificate2 leaf)
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private readonly Dictionary<IdentityKind, List<string>> read = [];

    /// <summary>The entries matched by identities of <paramref name="nameType"/>: DNS names, IP addresses (canonical), URIs or email addresses.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The extension does not decode.</exception>
    /// <exception cref="System.Formats.Asn1.AsnContentException">The extension does not decode.</exception>
    public List<string> Of(IdentityKind nameType)
    {
        if (!read.TryGetValue(nameType, out var names))
        {
            names = nameType switch
            {
                IdentityKind.Dns => SubjectAltName()?.EnumerateDnsNames().ToList() ?? [],
                IdentityKind.IpAddress => SubjectAltName()?.EnumerateIPAddresses().Select(ip => ip.ToString()).ToList() ?? [],
                _ => SubjectAltNames.Read(leaf, nameType),
            };
            read.Add(nameType, names);
        }

        return names;
    }

    private X509SubjectAlternativeNameExtension? SubjectAltName()
    {
        var extension = leaf.Extensions[SubjectAltNameOid];
        return extension switch
        {
            null => null,
            X509SubjectAlternativeNameExtension typed => typed,
            _ => new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical),
        };
    }
}
