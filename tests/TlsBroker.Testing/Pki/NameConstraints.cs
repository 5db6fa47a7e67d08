using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>Builds a critical nameConstraints extension (RFC 5280 §4.2.1.10), which .NET has no builder for.</summary>
public static class NameConstraints
{
    public const string Oid = "2.5.29.30";

    /// <summary>DNS subtrees are names ("example.test"); IP subtrees are address bytes followed by mask bytes.</summary>
    public static X509Extension Create(
        IReadOnlyList<string>? permittedDns = null,
        IReadOnlyList<string>? excludedDns = null,
        IReadOnlyList<byte[]>? permittedIp = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            WriteSubtrees(writer, 0, permittedDns ?? [], permittedIp ?? []);
            WriteSubtrees(writer, 1, excludedDns ?? [], []);
        }

        return new X509Extension(new Oid(Oid), writer.Encode(), critical: true);
    }

    private static void WriteSubtrees(AsnWriter writer, int tag, IReadOnlyList<string> dns, IReadOnlyList<byte[]> ip)
    {
        if (dns.Count == 0 && ip.Count == 0)
        {
            return;
        }

        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, tag, isConstructed: true)))
        {
            foreach (var name in dns)
            {
                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));
                }
            }

            foreach (var range in ip)
            {
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(range, new Asn1Tag(TagClass.ContextSpecific, 7));
                }
            }
        }
    }
}
