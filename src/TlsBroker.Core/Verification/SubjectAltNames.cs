using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>
/// The rfc822Name and uniformResourceIdentifier entries of a certificate's subjectAltName (RFC 5280 §4.2.1.6: GeneralName
/// [1] and [6], each an IA5String), which .NET's X509SubjectAlternativeNameExtension does not enumerate.
/// </summary>
internal static class SubjectAltNames
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly Asn1Tag Rfc822Name = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag UniformResourceIdentifier = new(TagClass.ContextSpecific, 6);

    /// <summary>The entries of <paramref name="kind"/> (<see cref="IdentityKind.Email"/> or <see cref="IdentityKind.Uri"/>) in order; empty without the extension.</summary>
    /// <exception cref="AsnContentException">The extension does not decode (trailing bytes included).</exception>
    public static List<string> Read(X509Certificate2 certificate, IdentityKind kind)
    {
        var wanted = kind == IdentityKind.Email ? Rfc822Name : UniformResourceIdentifier;
        var names = new List<string>();
        if (certificate.Extensions[SubjectAltNameOid] is not { } extension)
        {
            return names;
        }

        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        while (sequence.HasData)
        {
            if (sequence.PeekTag().HasSameClassAndValue(wanted))
            {
                names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, wanted));
            }
            else
            {
                sequence.ReadEncodedValue();
            }
        }

        return names;
    }
}
