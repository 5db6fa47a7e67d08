using System.Security.Authentication;

namespace TlsBroker.Bench;

/// <summary>How each path names a <see cref="BenchTlsVersion"/>.</summary>
internal static class BenchTlsVersions
{
    /// <summary>"1.3" or "1.2": the command line, the report, and the engine's policy options.</summary>
    public static string Label(this BenchTlsVersion version) => version == BenchTlsVersion.Tls13 ? "1.3" : "1.2";

    public static SslProtocols ToSslProtocols(this BenchTlsVersion version) =>
        version == BenchTlsVersion.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12;

    /// <summary>The broker policy the bench uses for a version: "bench-tls13" or "bench-tls12" (an external broker must define them).</summary>
    public static string BrokerPolicy(this BenchTlsVersion version) => version == BenchTlsVersion.Tls13 ? "bench-tls13" : "bench-tls12";

    /// <summary>
    /// The broker policy of the export path: "bench-export-tls13" or "bench-export-tls12", as <see cref="BrokerPolicy"/> plus
    /// key export granted to the bench's caller. Policies of their own, because a policy that grants export keeps the
    /// TLS 1.2 key block of every session, which the broker path's figures should not pay for.
    /// </summary>
    public static string ExportPolicy(this BenchTlsVersion version) => version == BenchTlsVersion.Tls13 ? "bench-export-tls13" : "bench-export-tls12";

    public static bool TryParse(string text, out BenchTlsVersion version)
    {
        (var known, version) = text switch
        {
            "1.3" => (true, BenchTlsVersion.Tls13),
            "1.2" => (true, BenchTlsVersion.Tls12),
            _ => (false, default),
        };
        return known;
    }
}
