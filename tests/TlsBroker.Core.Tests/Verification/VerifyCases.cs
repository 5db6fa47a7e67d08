using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>The verification matrix: one row per rule of issue 3, plus rows that pin OpenSSL's order between rules.</summary>
public static class VerifyCases
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static readonly X509Extension UnknownCriticalExtension = new(new Oid("1.3.6.1.4.1.99999.1"), [0x05, 0x00], critical: true);

    public static IReadOnlyList<VerifyCase> All { get; } =
    [
        // Valid chains and name forms.
        new("valid chain, DNS name", f => f.UnderIntermediate(s => s), ShouldFail: false),
        new("valid chain, IPv4 literal", f => f.UnderIntermediate(s => s, "127.0.0.1"), ShouldFail: false),
        new("valid chain, IPv6 literal", f => f.UnderIntermediate(s => s, "::1"), ShouldFail: false),
        new("valid chain, IPv6 literal in brackets", f => f.UnderIntermediate(s => s, "[::1]"), ShouldFail: false),
        new("valid chain, name in upper case", f => f.UnderIntermediate(s => s, "WWW.Example.TEST"), ShouldFail: false),
        new("valid chain, SAN in upper case", f => f.UnderIntermediate(s => s with { DnsNames = ["WWW.EXAMPLE.Test"] }), ShouldFail: false),
        new("valid chain, name with trailing dot", f => f.UnderIntermediate(s => s, "www.example.test."), ShouldFail: false),
        new("valid chain, root sent too", f => f.Chain(f.Issue(ChainFactory.ServerSpec, f.Pki.Intermediate), [f.Pki.Intermediate, f.Pki.Root], ChainFactory.HostName), ShouldFail: false),
        new("valid chain, leaf without extendedKeyUsage", f => f.UnderIntermediate(s => s with { ExtendedKeyUsages = null }), ShouldFail: false),
        new("valid chain, non-critical unknown extension", f => f.UnderIntermediate(s => s with { ExtraExtensions = [new X509Extension(UnknownCriticalExtension.Oid!, UnknownCriticalExtension.RawData, critical: false)] }), ShouldFail: false),
        new("valid chain, RSA-2048 leaf", f => f.UnderIntermediate(s => s with { Key = KeyKind.Rsa2048, KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment }), ShouldFail: false),
        new("pinned self-signed leaf", f =>
        {
            var leaf = f.Issue(ChainFactory.ServerSpec, issuer: null);
            return f.Chain(leaf, [], ChainFactory.HostName, anchors: [leaf]);
        }, ShouldFail: false),

        // Validity period (RFC 5280 §6.1.3 (a)(2)).
        new("expired leaf", f => f.UnderIntermediate(s => s with { NotBefore = Now.AddDays(-30), NotAfter = Now.AddDays(-1) })),
        new("leaf not yet valid", f => f.UnderIntermediate(s => s with { NotBefore = Now.AddDays(1), NotAfter = Now.AddDays(30) })),
        new("expired intermediate", f => f.UnderCustomIntermediate(s => s with { NotBefore = Now.AddDays(-30), NotAfter = Now.AddDays(-1) })),
        new("expired intermediate and expired leaf (top reported first)", f => f.UnderCustomIntermediate(
            s => s with { NotBefore = Now.AddDays(-30), NotAfter = Now.AddDays(-2) },
            s => s with { NotBefore = Now.AddDays(-30), NotAfter = Now.AddDays(-1) })),

        new("intermediate not yet valid", f => f.UnderCustomIntermediate(s => s with { NotBefore = Now.AddDays(1), NotAfter = Now.AddDays(60) })),
        new("expired trust anchor", f =>
        {
            var root = f.Issue(CertificateSpec.Root("Verify Expired Root") with { NotBefore = Now.AddDays(-30), NotAfter = Now.AddDays(-1) }, issuer: null);
            var leaf = f.Issue(ChainFactory.ServerSpec, root);
            return f.Chain(leaf, [], ChainFactory.HostName, anchors: [root]);
        }),

        // Trust (build_chain).
        new("self-signed leaf", f => f.Chain(f.Issue(ChainFactory.ServerSpec, issuer: null), [], ChainFactory.HostName)),
        new("unknown root sent in the chain", f =>
        {
            var leaf = f.Issue(ChainFactory.ServerSpec, f.Pki.UnknownIntermediate);
            return f.Chain(leaf, [f.Pki.UnknownIntermediate, f.Pki.UnknownRoot], ChainFactory.HostName);
        }),
        new("unknown CA, root not sent", f =>
        {
            var leaf = f.Issue(ChainFactory.ServerSpec, f.Pki.UnknownIntermediate);
            return f.Chain(leaf, [f.Pki.UnknownIntermediate], ChainFactory.HostName);
        }),
        new("missing intermediate", f => f.Chain(f.Issue(ChainFactory.ServerSpec, f.Pki.Intermediate), [], ChainFactory.HostName)),
        new("leaf signature broken", f =>
        {
            var leaf = f.WithBrokenSignature(f.Issue(ChainFactory.ServerSpec, f.Pki.Intermediate));
            return f.Chain(leaf, [f.Pki.Intermediate], ChainFactory.HostName);
        }),

        // basicConstraints, keyUsage, extendedKeyUsage, critical extensions (check_extensions).
        new("intermediate with cA FALSE", f => f.UnderCustomIntermediate(s => s with { IsCertificateAuthority = false, PathLengthConstraint = null })),
        new("intermediate without basicConstraints", f => f.UnderCustomIntermediate(s => s with { IsCertificateAuthority = null, PathLengthConstraint = null })),
        new("intermediate keyUsage without keyCertSign", f => f.UnderCustomIntermediate(s => s with { KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.CrlSign })),
        new("trust anchor keyUsage without keyCertSign", f =>
        {
            var root = f.Issue(CertificateSpec.Root("Verify No-CertSign Root") with { KeyUsage = X509KeyUsageFlags.CrlSign }, issuer: null);
            var leaf = f.Issue(ChainFactory.ServerSpec, root);
            return f.Chain(leaf, [], ChainFactory.HostName, anchors: [root]);
        }),
        new("intermediate extendedKeyUsage without serverAuth", f => f.UnderCustomIntermediate(s => s with { ExtendedKeyUsages = [CertificateSpec.ClientAuthOid] })),
        new("path length exceeded", f =>
        {
            var sub = f.Issue(CertificateSpec.Intermediate("Verify Sub Intermediate"), f.Pki.Intermediate);
            var leaf = f.Issue(ChainFactory.ServerSpec, sub);
            return f.Chain(leaf, [sub, f.Pki.Intermediate], ChainFactory.HostName);
        }),
        new("leaf without serverAuth extendedKeyUsage", f => f.UnderIntermediate(s => s with { ExtendedKeyUsages = [CertificateSpec.ClientAuthOid] })),
        new("leaf keyUsage fits no TLS key exchange", f => f.UnderIntermediate(s => s with { KeyUsage = X509KeyUsageFlags.NonRepudiation })),
        new("leaf without serverAuth and expired (extensions before times)", f => f.UnderIntermediate(s => s with
        {
            ExtendedKeyUsages = [CertificateSpec.ClientAuthOid],
            NotBefore = Now.AddDays(-30),
            NotAfter = Now.AddDays(-1),
        })),
        new("leaf with unknown critical extension", f => f.UnderIntermediate(s => s with { ExtraExtensions = [UnknownCriticalExtension] })),
        new("leaf with an undecodable basicConstraints (no path can be built)", f => f.UnderIntermediate(s => s with
        {
            IsCertificateAuthority = null,
            ExtraExtensions = [new X509Extension(new Oid("2.5.29.19"), [0x04, 0x01, 0x00], critical: true)],
        })),
        new("intermediate with unknown critical extension", f => f.UnderCustomIntermediate(s => s with { ExtraExtensions = [UnknownCriticalExtension] })),

        // CA/Browser Forum BR §7.1.2.7.8: OpenSSL 3 -x509_strict accepts a CA certificate as the leaf; we do not.
        new("leaf with cA TRUE", f => f.UnderIntermediate(s => s with { IsCertificateAuthority = true }), StricterThanOpenSsl: X509VerifyCode.InvalidNonCa),
        new("leaf with cA TRUE and keyCertSign", f => f.UnderIntermediate(s => s with
        {
            IsCertificateAuthority = true,
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign,
        }), StricterThanOpenSsl: X509VerifyCode.InvalidNonCa),
        new("leaf with keyCertSign but no basicConstraints", f => f.UnderIntermediate(s => s with
        {
            IsCertificateAuthority = null,
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign,
        })),

        // Key sizes and digests (check_auth_level, at Debian's security level 2).
        new("RSA-1024 leaf", f => f.UnderIntermediate(s => s with { Key = KeyKind.Rsa1024, KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment })),
        new("RSA-1024 intermediate", f => f.UnderCustomIntermediate(s => s with { Key = KeyKind.Rsa1024 })),
        new("RSA-1024 leaf from an unknown CA (key checked first)", f =>
        {
            var leaf = f.Issue(ChainFactory.ServerSpec with { Key = KeyKind.Rsa1024 }, f.Pki.UnknownIntermediate);
            return f.Chain(leaf, [f.Pki.UnknownIntermediate], ChainFactory.HostName);
        }),
        new("SHA-1 signed leaf", f => f.UnderCustomIntermediate(s => s with { Key = KeyKind.Rsa2048 }, s => s with { SignatureHash = HashAlgorithmName.SHA1 })),
        new("SHA-1 signed intermediate", f =>
        {
            var root = f.Issue(CertificateSpec.Root("Verify RSA Root", KeyKind.Rsa2048), issuer: null);
            var intermediate = f.Issue(CertificateSpec.Intermediate("Verify SHA-1 Intermediate") with { SignatureHash = HashAlgorithmName.SHA1 }, root);
            var leaf = f.Issue(ChainFactory.ServerSpec, intermediate);
            return f.Chain(leaf, [intermediate], ChainFactory.HostName, anchors: [root]);
        }),
        new("SHA-1 self-signed root (the anchor's own signature is not checked)", f =>
        {
            var root = f.Issue(CertificateSpec.Root("Verify SHA-1 Root", KeyKind.Rsa2048) with { SignatureHash = HashAlgorithmName.SHA1 }, issuer: null);
            var leaf = f.Issue(ChainFactory.ServerSpec, root);
            return f.Chain(leaf, [], ChainFactory.HostName, anchors: [root]);
        }, ShouldFail: false),

        // Name constraints (RFC 5280 §4.2.1.10).
        new("name constraints, permitted subtree matches", f => f.UnderCustomIntermediate(
            s => s with { ExtraExtensions = [NameConstraints.Create(permittedDns: ["example.test"], permittedIp: [[127, 0, 0, 0, 255, 0, 0, 0]])] },
            s => s with { IpAddresses = [IPAddress.Loopback] }), ShouldFail: false),
        new("name constraints, DNS name outside the permitted subtree", f => f.UnderCustomIntermediate(
            s => s with { ExtraExtensions = [NameConstraints.Create(permittedDns: ["example.test"])] },
            s => s with { DnsNames = [ChainFactory.HostName, "www.other.test"], IpAddresses = [] })),
        new("name constraints, IP address outside the permitted subtree", f => f.UnderCustomIntermediate(
            s => s with { ExtraExtensions = [NameConstraints.Create(permittedIp: [[10, 0, 0, 0, 255, 0, 0, 0]])] },
            s => s with { IpAddresses = [IPAddress.Loopback] })),
        new("name constraints, DNS name in the excluded subtree", f => f.UnderCustomIntermediate(
            s => s with { ExtraExtensions = [NameConstraints.Create(excludedDns: ["bad.example.test"])] },
            s => s with { DnsNames = [ChainFactory.HostName, "www.bad.example.test"] })),

        // Host names (RFC 6125 §6.4).
        new("wrong host", f => f.UnderIntermediate(s => s, "other.example.test")),
        new("wrong host and expired (name before times)", f => f.UnderIntermediate(s => s with { NotBefore = Now.AddDays(-30), NotAfter = Now.AddDays(-1) }, "other.example.test")),
        new("wildcard matches one left-most label", f => f.UnderIntermediate(s => s with { DnsNames = ["*.example.test"] }, "a.example.test"), ShouldFail: false),
        new("wildcard matches an A-label", f => f.UnderIntermediate(s => s with { DnsNames = ["*.example.test"] }, "xn--bcher-kva.example.test"), ShouldFail: false),
        new("wildcard does not match the bare domain", f => f.UnderIntermediate(s => s with { DnsNames = ["*.example.test"] }, "example.test")),
        new("wildcard does not match two labels", f => f.UnderIntermediate(s => s with { DnsNames = ["*.example.test"] }, "a.b.example.test")),
        new("wildcard not in the left-most label", f => f.UnderIntermediate(s => s with { DnsNames = ["www.*.test"] }, "www.example.test")),
        new("wildcard over a single-label suffix", f => f.UnderIntermediate(s => s with { DnsNames = ["*.test"] }, "example.test")),
        new("two wildcards", f => f.UnderIntermediate(s => s with { DnsNames = ["*.*.example.test"] }, "a.b.example.test")),

        // RFC 6125 §6.4.3 allows partial-label wildcards; browsers and we do not, OpenSSL's default does.
        new("partial-label wildcard f*", f => f.UnderIntermediate(s => s with { DnsNames = ["f*.example.test"] }, "foo.example.test"), StricterThanOpenSsl: X509VerifyCode.HostnameMismatch),
        new("partial-label wildcard *o", f => f.UnderIntermediate(s => s with { DnsNames = ["*o.example.test"] }, "foo.example.test"), StricterThanOpenSsl: X509VerifyCode.HostnameMismatch),

        // OpenSSL falls back to the subject CN when there is no dNSName SAN; browsers and we do not.
        new("DNS name given, only an IP SAN (CN matches)", f => f.UnderIntermediate(s => s with { DnsNames = [] }), StricterThanOpenSsl: X509VerifyCode.HostnameMismatch),
        new("CN-only certificate, no SAN", f => f.UnderIntermediate(s => s with { DnsNames = [], IpAddresses = [] }), StricterThanOpenSsl: X509VerifyCode.HostnameMismatch),

        // IP addresses: only iPAddress SANs count.
        new("IPv4 literal not in the IP SANs", f => f.UnderIntermediate(s => s, "127.0.0.2")),
        new("IPv6 literal not in the IP SANs", f => f.UnderIntermediate(s => s, "::2")),
        new("IP literal given, only a DNS SAN", f => f.UnderIntermediate(s => s with { IpAddresses = [] }, "127.0.0.1")),
        new("IP literal given, written as a dNSName SAN", f => f.UnderIntermediate(s => s with { DnsNames = ["127.0.0.1"], IpAddresses = [] }, "127.0.0.1")),
        new("IPv4-mapped IPv6 literal against an IPv4 SAN", f => f.UnderIntermediate(s => s with { IpAddresses = [IPAddress.Loopback] }, "::ffff:127.0.0.1")),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static VerifyCase Get(string name) => All.Single(c => c.Name == name);
}
