using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>The certificates a policy trusts as roots. Immutable once loaded.</summary>
public sealed class TrustAnchors
{
    private TrustAnchors(IReadOnlyList<X509Certificate2> certificates, string source)
    {
        Certificates = certificates;
        Source = source;
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
        throw new NotImplementedException();
    }
}
