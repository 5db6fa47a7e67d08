using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Cli.Verify;

/// <summary>
/// A certificate's subject as openssl verify prints the certificate at fault (X509_NAME_print_ex with the
/// apps' default name options, XN_FLAG_SEP_CPLUS_SPC | ASN1_STRFLGS_UTF8_CONVERT): the RDNs in DER order,
/// "SN = value" joined by ", ", attributes of one RDN by " + ".
/// </summary>
internal static class OpenSslNames
{
    /// <summary>OpenSSL's short names (crypto/objects/objects.txt) of the attributes certificates usually carry.</summary>
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.4"] = "SN",
        ["2.5.4.5"] = "serialNumber",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "street",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.12"] = "title",
        ["2.5.4.42"] = "GN",
        ["0.9.2342.19200300.100.1.1"] = "UID",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["1.2.840.113549.1.9.1"] = "emailAddress",
    };

    public static string Subject(byte[] certificateDer)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(certificateDer);
            var rdns = certificate.SubjectName.EnumerateRelativeDistinguishedNames(reversed: false)
                .Select(rdn => string.Join(" + ", Attributes(rdn)));
            return string.Join(", ", rdns);
        }
        catch (CryptographicException)
        {
            return "(a certificate that does not parse)";
        }
    }

    private static IEnumerable<string> Attributes(X500RelativeDistinguishedName rdn)
    {
        var reader = new AsnReader(rdn.RawData, AsnEncodingRules.DER).ReadSetOf();
        while (reader.HasData)
        {
            var attribute = reader.ReadSequence();
            var oid = attribute.ReadObjectIdentifier();
            var name = ShortNames.GetValueOrDefault(oid, oid);
            var value = rdn.HasMultipleElements ? ReadString(attribute) : rdn.GetSingleElementValue() ?? ReadString(attribute);
            yield return $"{name} = {value}";
        }
    }

    private static string ReadString(AsnReader attribute)
    {
        try
        {
            return attribute.ReadCharacterString(attribute.PeekTag() switch
            {
                var tag when tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.PrintableString)) => UniversalTagNumber.PrintableString,
                var tag when tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.IA5String)) => UniversalTagNumber.IA5String,
                var tag when tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.BMPString)) => UniversalTagNumber.BMPString,
                _ => UniversalTagNumber.UTF8String,
            });
        }
        catch (AsnContentException)
        {
            return "(not a string)";
        }
    }
}
