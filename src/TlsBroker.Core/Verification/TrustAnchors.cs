using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>The certificates a policy trusts as roots. Immutable once loaded.</summary>
public sealed class TrustAnchors
{
    /// <summary>The spec that names the operating system's CA store.</summary>
    public const string SystemSpec = "system";

    /// <summary>Debian's ca-certificates bundle, the file OpenSSL itself reads on this platform.</summary>
    internal const string DebianBundlePath = "/etc/ssl/certs/ca-certificates.crt";

    private static readonly string[] FolderPatterns = ["*.pem", "*.crt"];

    private readonly Dictionary<string, X509Certificate2[]> bySubject;

    private TrustAnchors(IReadOnlyList<X509Certificate2> certificates, string source)
    {
        Certificates = certificates;
        Source = source;
        bySubject = certificates
            .GroupBy(certificate => NameKey(certificate.SubjectName))
            .ToDictionary(group => group.Key, group => group.ToArray(), StringComparer.Ordinal);
    }

    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>Where they came from, for logs and errors: "system" or the path.</summary>
    public string Source { get; }

    /// <summary>
    /// Loads "system" (the operating system's CA store) or a PEM file or a folder of PEM files.
    /// Throws <see cref="InvalidOperationException"/> naming the path when nothing usable is there.
    /// </summary>
    public static TrustAnchors Load(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            throw new InvalidOperationException("trust anchors: no source given (use \"system\", a PEM file or a folder of PEM files)");
        }

        if (spec == SystemSpec)
        {
            return new TrustAnchors(LoadSystem(), SystemSpec);
        }

        if (Directory.Exists(spec))
        {
            var files = FolderPatterns
                .SelectMany(pattern => Directory.EnumerateFiles(spec, pattern))
                .Order(StringComparer.Ordinal)
                .ToList();
            var fromFolder = files.SelectMany(LoadPemFile).ToList();
            return fromFolder.Count > 0
                ? new TrustAnchors(fromFolder, spec)
                : throw new InvalidOperationException($"trust anchors: folder '{spec}' has no certificate in any *.pem or *.crt file");
        }

        if (File.Exists(spec))
        {
            var fromFile = LoadPemFile(spec);
            return fromFile.Count > 0
                ? new TrustAnchors(fromFile, spec)
                : throw new InvalidOperationException($"trust anchors: file '{spec}' has no PEM certificate");
        }

        throw new InvalidOperationException($"trust anchors: '{spec}' is neither \"system\" nor an existing file or folder");
    }

    /// <summary>
    /// The anchors that can be part of a path for <paramref name="sent"/>: those named as the issuer of a sent
    /// certificate or of another such anchor, and those named as a sent certificate. A path links each certificate
    /// to one whose subject matches its issuer name (RFC 5280 §6.1, OpenSSL's X509_check_issued), so no other anchor
    /// can take part; handing path building only these keeps it from loading the whole store (about 150 roots for
    /// "system") on every verification.
    /// </summary>
    internal X509Certificate2[] CandidatesFor(IReadOnlyList<X509Certificate2> sent)
    {
        var wanted = new Queue<X500DistinguishedName>();
        foreach (var certificate in sent)
        {
            wanted.Enqueue(certificate.SubjectName);
            wanted.Enqueue(certificate.IssuerName);
        }

        var looked = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<X509Certificate2>();
        while (wanted.TryDequeue(out var name))
        {
            var key = NameKey(name);
            if (!looked.Add(key) || !bySubject.TryGetValue(key, out var anchors))
            {
                continue;
            }

            foreach (var anchor in anchors)
            {
                candidates.Add(anchor);
                wanted.Enqueue(anchor.IssuerName);
            }
        }

        return [.. candidates];
    }

    /// <summary>The anchors whose subject is the issuer name of <paramref name="certificate"/>: its candidate issuers among them.</summary>
    internal IReadOnlyList<X509Certificate2> IssuersNamedBy(X509Certificate2 certificate) =>
        bySubject.TryGetValue(NameKey(certificate.IssuerName), out var anchors) ? anchors : [];

    /// <summary>Whether <paramref name="certificate"/> is itself one of the anchors (byte for byte), as a server may send one.</summary>
    internal bool Contains(X509Certificate2 certificate) =>
        bySubject.TryGetValue(NameKey(certificate.SubjectName), out var anchors)
        && anchors.Any(anchor => anchor.RawData.AsSpan().SequenceEqual(certificate.RawData));

    /// <summary>Wraps certificates a caller already holds (tests, embedded anchors).</summary>
    internal static TrustAnchors FromCertificates(IEnumerable<X509Certificate2> certificates, string source)
    {
        var list = certificates.ToList();
        return list.Count > 0
            ? new TrustAnchors(list, source)
            : throw new InvalidOperationException($"trust anchors: '{source}' has no certificate");
    }

    private static List<X509Certificate2> LoadSystem()
    {
        if (File.Exists(DebianBundlePath))
        {
            var bundle = LoadPemFile(DebianBundlePath);
            if (bundle.Count > 0)
            {
                return bundle;
            }
        }

        using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        var roots = store.Certificates.Cast<X509Certificate2>().ToList();
        return roots.Count > 0
            ? roots
            : throw new InvalidOperationException($"trust anchors: the system CA store is empty (install ca-certificates or give {DebianBundlePath})");
    }

    /// <summary>
    /// A name in a form at least as coarse as OpenSSL's canonical comparison (x509_name_canon: string types
    /// unified, case folded, whitespace runs collapsed), so that two names OpenSSL matches always get one key.
    /// </summary>
    internal static string NameKey(X500DistinguishedName name) =>
        string.Join(' ', name.Name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static List<X509Certificate2> LoadPemFile(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"trust anchors: '{path}' holds a PEM certificate that does not parse: {e.Message}", e);
        }

        return collection.Cast<X509Certificate2>().ToList();
    }
}
