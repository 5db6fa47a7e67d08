using System.Globalization;
using System.Net;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Verify;

/// <summary>
/// One chain generated for a verify test, written as files, with the options for it twice: for
/// <c>tlsbroker verify --trust</c> and for <c>openssl verify</c> (through <see cref="OpenSslVerify"/>).
/// </summary>
internal sealed class VerifyScenario : IDisposable
{
    private readonly List<TestCertificate> owned = [];

    private VerifyScenario(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    public required TestCertificate Leaf { get; init; }

    public required IReadOnlyList<TestCertificate> Untrusted { get; init; }

    public required IReadOnlyList<TestCertificate> Roots { get; init; }

    public IReadOnlyList<string> HostNames { get; init; } = [];

    public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];

    public IReadOnlyList<string> Emails { get; init; } = [];

    public IReadOnlyList<string> Uris { get; init; } = [];

    public DateTimeOffset? At { get; init; }

    public string Purpose { get; init; } = "sslserver";

    public int? MaxDepth { get; init; }

    public string ChainPath => Path.Combine(Folder, "chain.pem");

    /// <summary>Root, <paramref name="intermediates"/> intermediates, and a "localhost"/127.0.0.1 leaf made from <paramref name="leafSpec"/>.</summary>
    public static VerifyScenario Create(Func<CertificateSpec, CertificateSpec>? leafSpec = null, int intermediates = 1, bool trustOtherRoot = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "cli-verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var root = TestPki.Issue(CertificateSpec.Root("Verify Root"));
        var issuer = root;
        var chain = new List<TestCertificate>();
        for (var i = 1; i <= intermediates; i++)
        {
            issuer = TestPki.Issue(CertificateSpec.Intermediate(string.Create(CultureInfo.InvariantCulture, $"Verify Intermediate {i}")), issuer);
            chain.Insert(0, issuer);
        }

        var spec = CertificateSpec.Server("localhost") with { IpAddresses = [IPAddress.Loopback] };
        var leaf = TestPki.Issue(leafSpec is null ? spec : leafSpec(spec), issuer);
        var anchor = trustOtherRoot ? TestPki.Issue(CertificateSpec.Root("Verify Root")) : root;
        var scenario = new VerifyScenario(folder) { Leaf = leaf, Untrusted = chain, Roots = [anchor] };
        scenario.owned.AddRange([root, leaf, .. chain]);
        if (trustOtherRoot)
        {
            scenario.owned.Add(anchor);
        }

        scenario.Write();
        return scenario;
    }

    /// <summary>The same chain and files, other options.</summary>
    public VerifyScenario With(
        IReadOnlyList<string>? hostNames = null,
        IReadOnlyList<IPAddress>? ipAddresses = null,
        DateTimeOffset? at = null,
        string? purpose = null,
        int? maxDepth = null,
        IReadOnlyList<string>? emails = null,
        IReadOnlyList<string>? uris = null) =>
        new(Folder)
        {
            Leaf = Leaf,
            Untrusted = Untrusted,
            Roots = Roots,
            HostNames = hostNames ?? HostNames,
            IpAddresses = ipAddresses ?? IpAddresses,
            Emails = emails ?? Emails,
            Uris = uris ?? Uris,
            At = at ?? At,
            Purpose = purpose ?? Purpose,
            MaxDepth = maxDepth ?? MaxDepth,
        };

    /// <summary>The <c>tlsbroker verify</c> command line: the leaf and intermediates in --chain, the roots in --trust.</summary>
    public string[] OfflineArguments()
    {
        List<string> arguments = ["verify", "--chain", ChainPath, "--trust", Path.Combine(Folder, "roots.pem"), "--purpose", Purpose];
        arguments.AddRange(HostNames.SelectMany(name => new[] { "--servername", name }));
        arguments.AddRange(IpAddresses.SelectMany(ip => new[] { "--ip", ip.ToString() }));
        arguments.AddRange(Emails.SelectMany(email => new[] { "--email", email }));
        arguments.AddRange(Uris.SelectMany(uri => new[] { "--uri", uri }));
        if (At is { } at)
        {
            arguments.AddRange(["--attime", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)]);
        }

        if (MaxDepth is { } depth)
        {
            arguments.AddRange(["--max-depth", depth.ToString(CultureInfo.InvariantCulture)]);
        }

        return [.. arguments];
    }

    /// <summary>openssl verify with the same chain, anchors and options (-verify_hostname takes one name; it has no URI check).</summary>
    public Task<OpenSslVerdict> OpenSslAsync() =>
        OpenSslVerify.RunAsync(
            Leaf,
            Roots,
            Untrusted,
            HostNames.Count > 0 ? HostNames[0] : null,
            IpAddresses.Count > 0 ? IpAddresses[0] : null,
            At,
            purpose: Purpose,
            verifyDepth: MaxDepth,
            email: Emails.Count > 0 ? Emails[0] : null);

    public void Dispose()
    {
        foreach (var certificate in owned)
        {
            certificate.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
    }

    private void Write()
    {
        File.WriteAllText(ChainPath, string.Concat(new[] { Leaf }.Concat(Untrusted).Select(c => c.CertificatePem + "\n")));
        File.WriteAllText(Path.Combine(Folder, "roots.pem"), string.Concat(Roots.Select(c => c.CertificatePem + "\n")));
    }
}
