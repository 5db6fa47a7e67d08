using TlsBroker.Core.Results;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>The verification matrix: one row per rule of issue 3.</summary>
public static class VerifyCases
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static IReadOnlyList<VerifyCase> All { get; } =
    [
        new("valid chain, DNS name", f => f.UnderIntermediate(s => s), ShouldFail: false),
        new("valid chain, IPv4 literal", f => f.UnderIntermediate(s => s, "127.0.0.1"), ShouldFail: false),
        new("valid chain, IPv6 literal", f => f.UnderIntermediate(s => s, "::1"), ShouldFail: false),
        new("valid chain, name in upper case", f => f.UnderIntermediate(s => s, "WWW.Example.TEST"), ShouldFail: false),
        new("valid chain, SAN in upper case", f => f.UnderIntermediate(s => s with { DnsNames = ["WWW.EXAMPLE.Test"] }), ShouldFail: false),
        new("valid chain, name with trailing dot", f => f.UnderIntermediate(s => s, "www.example.test."), ShouldFail: false),
        new("expired leaf", f => f.UnderIntermediate(s => s with { NotBefore = Now.AddDays(-30), NotAfter = Now.AddDays(-1) })),
        new("leaf not yet valid", f => f.UnderIntermediate(s => s with { NotBefore = Now.AddDays(1), NotAfter = Now.AddDays(30) })),
        new("wrong host", f => f.UnderIntermediate(s => s, "other.example.test")),
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
        new("IPv4 literal not in the IP SANs", f => f.UnderIntermediate(s => s, "127.0.0.2")),
        new("IPv6 literal not in the IP SANs", f => f.UnderIntermediate(s => s, "::2")),
        // OpenSSL falls back to the subject CN when there is no dNSName SAN; browsers and we do not.
        new("DNS name given, only an IP SAN (CN matches)", f => f.UnderIntermediate(s => s with { DnsNames = [] }), StricterThanOpenSsl: X509VerifyCode.HostnameMismatch),
        new("CN-only certificate, no SAN", f => f.UnderIntermediate(s => s with { DnsNames = [], IpAddresses = [] }), StricterThanOpenSsl: X509VerifyCode.HostnameMismatch),
        new("IP literal given, only a DNS SAN", f => f.UnderIntermediate(s => s with { IpAddresses = [] }, "127.0.0.1")),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static VerifyCase Get(string name) => All.Single(c => c.Name == name);
}
