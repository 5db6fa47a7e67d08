using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;
using Xunit.Abstractions;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// Certificates that break the RFC 5280 profile at the DER level, made by re-signing a generated
/// certificate with edited extensions; the broker must give the verify number and depth
/// <c>openssl verify</c> gives the same chain, not a generic one.
/// </summary>
[Trait("Category", "Functional")]
public sealed class MalformedCertificateTests(ITestOutputHelper output) : IDisposable
{
    private const string SubjectAltName = "2.5.29.17";
    private const string KeyUsage = "2.5.29.15";
    private const string ExtendedKeyUsage = "2.5.29.37";
    private const string BasicConstraints = "2.5.29.19";
    private const string SubjectKeyIdentifier = "2.5.29.14";
    private const string AuthorityKeyIdentifier = "2.5.29.35";
    private const string UnknownExtension = "1.3.6.1.4.1.99999.7";
    private const string NameConstraints = "2.5.29.30";
    private const string CertificatePolicies = "2.5.29.32";

    /// <summary>certificatePolicies: SEQUENCE { PolicyInformation { anyPolicy (2.5.29.32.0) } }.</summary>
    private static readonly byte[] AnyPolicy = [0x30, 0x08, 0x30, 0x06, 0x06, 0x04, 0x55, 0x1D, 0x20, 0x00];

    /// <summary>Edits of the server's certificate; the reason must name what OpenSSL's number does not say.</summary>
    private static readonly Dictionary<string, MalformedEdit> LeafEdits = new()
    {
        ["duplicated subjectAltName"] = new(e => Duplicate(e, SubjectAltName), "has extension 2.5.29.17 twice"),
        ["duplicated keyUsage"] = new(e => Duplicate(e, KeyUsage), "has extension 2.5.29.15 twice"),
        ["duplicated extendedKeyUsage"] = new(e => Duplicate(e, ExtendedKeyUsage), "has extension 2.5.29.37 twice"),
        ["duplicated basicConstraints"] = new(e => Duplicate(e, BasicConstraints), "has extension 2.5.29.19 twice"),
        ["duplicated subjectKeyIdentifier"] = new(e => Duplicate(e, SubjectKeyIdentifier), "has extension 2.5.29.14 twice"),
        ["duplicated authorityKeyIdentifier"] = new(e => Duplicate(e, AuthorityKeyIdentifier), "has extension 2.5.29.35 twice"),
        ["duplicated unknown non-critical extension (accepted, as by OpenSSL)"] = new(e => [.. e, CertificateEditor.Extension(UnknownExtension, [0x05, 0x00]), CertificateEditor.Extension(UnknownExtension, [0x05, 0x00])]),
        ["empty subjectAltName"] = new(e => Replace(e, SubjectAltName, [0x30, 0x00]), "subjectAltName extension with no name"),
        ["subjectAltName with an empty dNSName"] = new(e => Replace(e, SubjectAltName, [0x30, 0x02, 0x82, 0x00])),
        ["subjectAltName that does not decode"] = new(e => Replace(e, SubjectAltName, [0x04, 0x01, 0x00]), "has extension 2.5.29.17 that does not decode"),
        ["keyUsage that does not decode"] = new(e => Replace(e, KeyUsage, [0x04, 0x01, 0x00], critical: true), "has extension 2.5.29.15 that does not decode"),
        ["extendedKeyUsage that does not decode"] = new(e => Replace(e, ExtendedKeyUsage, [0x04, 0x01, 0x00]), "has extension 2.5.29.37 that does not decode"),
        ["basicConstraints that does not decode"] = new(e => Replace(e, BasicConstraints, [0x04, 0x01, 0x00], critical: true), "has extension 2.5.29.19 that does not decode"),
        ["subjectKeyIdentifier that does not decode"] = new(e => Replace(e, SubjectKeyIdentifier, [0x30, 0x00]), "has extension 2.5.29.14 that does not decode"),
        ["authorityKeyIdentifier that does not decode"] = new(e => Replace(e, AuthorityKeyIdentifier, [0x04, 0x01, 0x00]), "has extension 2.5.29.35 that does not decode"),
        ["certificatePolicies that does not decode (accepted, as by OpenSSL without -policy_check)"] = new(e => [.. e, CertificateEditor.Extension(CertificatePolicies, [0x04, 0x01, 0x00])]),
        ["duplicated certificatePolicies (accepted, as by OpenSSL without -policy_check)"] = new(e => [.. e, CertificateEditor.Extension(CertificatePolicies, AnyPolicy), CertificateEditor.Extension(CertificatePolicies, AnyPolicy)]),

        // X.690 §10.1 / RFC 5280 §4.1: extnValue holds one DER value; OpenSSL 3.0 ignores what follows
        // it and reads the names. The broker reads no name from such a subjectAltName, so it proves none.
        ["subjectAltName with trailing bytes"] = new(
            e => Replace(e, SubjectAltName, [.. e.Select(Value).First(v => v.Oid == SubjectAltName).Value, 0x00]),
            "subjectAltName does not decode",
            StricterThanOpenSsl: X509VerifyCode.HostnameMismatch),
    };

    /// <summary>Edits of the intermediate, which the leaf's issuer then is (same key, signed again by the root).</summary>
    private static readonly Dictionary<string, MalformedEdit> IntermediateEdits = new()
    {
        ["duplicated basicConstraints"] = new(e => Duplicate(e, BasicConstraints), "the candidate issuer has extension 2.5.29.19 twice"),
        ["keyUsage that does not decode"] = new(e => Replace(e, KeyUsage, [0x04, 0x01, 0x00], critical: true), "the candidate issuer has extension 2.5.29.15 that does not decode"),
        ["empty subjectAltName"] = new(e => [.. e, CertificateEditor.Extension(SubjectAltName, [0x30, 0x00])], "subjectAltName extension with no name"),
        ["negative pathLenConstraint"] = new(e => Replace(e, BasicConstraints, [0x30, 0x06, 0x01, 0x01, 0xFF, 0x02, 0x01, 0xFF], critical: true), "the candidate issuer has extension 2.5.29.19 that does not decode"),
        ["nameConstraints that does not decode"] = new(e => [.. e, CertificateEditor.Extension(NameConstraints, [0x04, 0x01, 0x00], critical: true)], "the candidate issuer has extension 2.5.29.30 that does not decode"),
        ["certificatePolicies that does not decode (accepted, as by OpenSSL without -policy_check)"] = new(e => [.. e, CertificateEditor.Extension(CertificatePolicies, [0x04, 0x01, 0x00])]),
        ["duplicated certificatePolicies (accepted, as by OpenSSL without -policy_check)"] = new(e => [.. e, CertificateEditor.Extension(CertificatePolicies, AnyPolicy), CertificateEditor.Extension(CertificatePolicies, AnyPolicy)]),
    };

    private readonly PathShapes shapes = new();

    public static TheoryData<string> LeafRows => [.. LeafEdits.Keys];

    public static TheoryData<string> IntermediateRows => [.. IntermediateEdits.Keys];

    [Theory]
    [MemberData(nameof(LeafRows))]
    public async Task Verify_MalformedLeaf_AgreesWithOpenSslOrStricterRule(string row)
    {
        var root = shapes.Issue(CertificateSpec.Root("Malformed Root"));
        var intermediate = shapes.Issue(CertificateSpec.Intermediate("Malformed Intermediate"), root);
        var edit = LeafEdits[row];
        using var leaf = CertificateEditor.WithExtensions(shapes.Issue(PathShapes.ServerSpec, intermediate), intermediate, edit.Edit);

        await VerifyAndCompareAsync(leaf, intermediate, root, edit);
    }

    [Theory]
    [MemberData(nameof(IntermediateRows))]
    public async Task Verify_MalformedIntermediate_AgreesWithOpenSsl(string row)
    {
        var root = shapes.Issue(CertificateSpec.Root("Malformed Root"));
        var wellFormed = shapes.Issue(CertificateSpec.Intermediate("Malformed Intermediate"), root);
        var edit = IntermediateEdits[row];
        using var intermediate = CertificateEditor.WithExtensions(wellFormed, root, edit.Edit);
        var leaf = shapes.Issue(PathShapes.ServerSpec, wellFormed);

        await VerifyAndCompareAsync(leaf, intermediate, root, edit);
    }

    public void Dispose() => shapes.Dispose();

    private async Task VerifyAndCompareAsync(TestCertificate leaf, TestCertificate intermediate, TestCertificate root, MalformedEdit edit)
    {
        var verifier = new CertificateVerifier(TrustAnchors.FromCertificates([root.Certificate], "malformed"));
        Assert.True(ServerIdentity.TryParse(PathShapes.HostName, out var identity, out var error), error);
        var now = DateTimeOffset.UtcNow;

        var broker = verifier.Verify([leaf.Der, intermediate.Der], identity!, now);
        var oracle = await OpenSslVerify.RunAsync(leaf, [root], [intermediate], hostName: PathShapes.HostName, at: now);

        output.WriteLine($"broker: {(int)broker.Code} {broker.OpenSslName} at depth {broker.Depth}: {broker.Reason}");
        output.WriteLine($"openssl: {oracle.Code} at depth {oracle.Depth}: {oracle.Text}");
        Assert.Contains(edit.ReasonMentions, broker.Reason, StringComparison.Ordinal);
        if (edit.StricterThanOpenSsl is { } ours)
        {
            Assert.Equal(ours, broker.Code);
            Assert.NotEqual((int)ours, oracle.Code);
            return;
        }

        Assert.True(
            oracle.Code == (int)broker.Code && oracle.Depth == broker.Depth,
            $"broker: {(int)broker.Code} at depth {broker.Depth} ({broker.Reason}); openssl: {oracle.Code} at depth {oracle.Depth}\n{oracle.Output}");
        Assert.StartsWith(oracle.Text, broker.Reason, StringComparison.Ordinal);
    }

    private static IEnumerable<byte[]> Duplicate(IReadOnlyList<byte[]> extensions, string oid) =>
        [.. extensions, extensions.First(e => CertificateEditor.OidOf(e) == oid)];

    private static IEnumerable<byte[]> Replace(IReadOnlyList<byte[]> extensions, string oid, byte[] value, bool critical = false) =>
        extensions.Select(e => CertificateEditor.OidOf(e) == oid ? CertificateEditor.Extension(oid, value, critical) : e);

    private static (string Oid, byte[] Value) Value(byte[] extension)
    {
        var sequence = new System.Formats.Asn1.AsnReader(extension, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var oid = sequence.ReadObjectIdentifier();
        if (sequence.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.Boolean))
        {
            sequence.ReadBoolean();
        }

        return (oid, sequence.ReadOctetString());
    }

    /// <summary>One malformation: the edit of the extensions, what the reason must say, and the broker's own number where it is deliberately stricter.</summary>
    private sealed record MalformedEdit(
        Func<IReadOnlyList<byte[]>, IEnumerable<byte[]>> Edit,
        string ReasonMentions = "",
        X509VerifyCode? StricterThanOpenSsl = null);
}
