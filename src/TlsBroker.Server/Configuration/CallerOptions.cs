namespace TlsBroker.Server.Configuration;

/// <summary>
/// One program allowed to use the broker (section <c>Broker:Callers:&lt;name&gt;</c>). It proves who
/// it is with an API key (<c>authorization: Bearer &lt;key&gt;</c>) or a client certificate on the
/// HTTPS listener, and may then use the policies it is granted, within its limits.
/// </summary>
public sealed class CallerOptions
{
    public const int MaxLimit = 1_000_000;

    /// <summary>
    /// SHA-256 of each API key this caller may send, as 64 hex digits (<c>tlsbroker apikey new</c>
    /// prints one). More than one for rotation: add the new key's hash, move callers over, remove the old.
    /// The keys themselves are never configured. Default: none.
    /// </summary>
    public List<string> ApiKeyHashes { get; set; } = [];

    /// <summary>Names of the policies this caller may use; "*" grants every policy. Default: none (at least one is required).</summary>
    public List<string> Policies { get; set; } = [];

    /// <summary>Which client certificates on the HTTPS listener are this caller (needs <c>Broker:Tls:ClientCaFile</c>). Default: none.</summary>
    public CallerCertificateOptions ClientCertificate { get; set; } = new();

    /// <summary>Sessions (streams) this caller may hold at once; one more is refused with RESOURCE_EXHAUSTED. Default 1000; range 1 to 1,000,000.</summary>
    public int MaxConcurrentSessions { get; set; } = 1000;

    /// <summary>Sessions (handshakes) this caller may start per second, in bursts of as many; more are refused with RESOURCE_EXHAUSTED. Default 100; range 1 to 1,000,000.</summary>
    public int HandshakesPerSecond { get; set; } = 100;
}
