using TlsBroker.Core.Crypto;
using TlsBroker.Core.Policy;

namespace TlsBroker.Server.Configuration;

/// <summary>
/// The broker's settings, bound from the <c>Broker</c> configuration section (appsettings.json,
/// <c>Broker__Port=5001</c> environment variables, <c>--Broker:Port=5001</c> arguments).
/// Validated at start-up by <see cref="BrokerOptionsValidator"/>, which reports every problem at once.
/// </summary>
public sealed class BrokerOptions
{
    public const string SectionName = "Broker";

    /// <summary>The policy a Start with an empty policy name selects.</summary>
    public const string DefaultPolicyName = "default";

    public const int MinMessageBytes = 1024;

    public const int MaxMessageBytesLimit = 64 * 1024 * 1024;

    public const int MaxConcurrentSessionsLimit = 1_000_000;

    public const int MinBufferedResponseBytes = 64 * 1024;

    public const int MaxBufferedResponseBytesLimit = 1024 * 1024 * 1024;

    /// <summary>The <see cref="AdminPort"/> value that turns the admin port off.</summary>
    public const int AdminPortOff = -1;

    public static TimeSpan MinTimeout { get; } = TimeSpan.FromMilliseconds(100);

    public static TimeSpan MaxHandshakeTimeout { get; } = TimeSpan.FromMinutes(10);

    public static TimeSpan MaxIdleTimeout { get; } = TimeSpan.FromDays(1);

    public static TimeSpan MaxDrainTimeout { get; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// IP address to listen on. Default 127.0.0.1: loopback only. Any IPv4 or IPv6 literal; an address
    /// other than loopback needs <see cref="Tls"/> and <see cref="Callers"/> (or <see cref="AllowInsecureNetworkListener"/>).
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port to listen on. Default 5001; range 0 to 65535, where 0 takes a free port (tests).</summary>
    public int Port { get; set; } = 5001;

    /// <summary>
    /// HTTP/1.1 port on <see cref="ListenAddress"/> serving <c>/metrics</c> (Prometheus) and <c>/healthz</c>.
    /// Default 5002; range -1 to 65535, where 0 takes a free port (tests) and -1 turns the admin port off.
    /// Must differ from <see cref="Port"/>.
    /// </summary>
    public int AdminPort { get; set; } = 5002;

    /// <summary>Sessions (started streams) served at once; one more is refused with RESOURCE_EXHAUSTED. Default 10000; range 1 to 1,000,000.</summary>
    public int MaxConcurrentSessions { get; set; } = 10_000;

    /// <summary>Largest request message accepted, in bytes; a larger one ends the stream with RESOURCE_EXHAUSTED. Default 1 MiB; range 1 KiB to 64 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Response bytes a session may hold that its caller has not read yet. 0 (default): none beyond the one being
    /// written; the next request is read once the previous answer is written, so a caller that does not read holds
    /// one answer and is ended by <see cref="IdleTimeout"/>. Above 0: the broker reads and answers the next requests
    /// while earlier answers wait for the caller's HTTP/2 window, and an answer that would take the unread ones past
    /// this ends the session with RESOURCE_EXHAUSTED (one answer alone is always sent); it must then exceed what
    /// callers keep in flight. Range 0, or 64 KiB to 1 GiB.
    /// </summary>
    public int MaxBufferedResponseBytes { get; set; }

    /// <summary>
    /// Time from the Start message to the completed handshake (and the longest wait for the Start
    /// message itself); when it passes the stream ends with DEADLINE_EXCEEDED. Default 30 s; range 100 ms to 10 min.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait for the caller's next message once the handshake is over (also for its
    /// half-close after the session closed); then DEADLINE_EXCEEDED. Default 5 min; range 100 ms to 1 day.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// On SIGTERM (the host stopping) new sessions are refused with UNAVAILABLE and health turns
    /// NOT_SERVING at once; live sessions get this long to finish, then end with UNAVAILABLE.
    /// Default 25 s; range 0 to 10 min. Read at start-up.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Whose cryptography sessions use: "DotNet" (default; .NET's native-backed AES-GCM, ChaCha20-Poly1305,
    /// NIST-curve ECDH and ECDSA/RSA checks, BouncyCastle for the rest) or "BouncyCastle" (all managed, for troubleshooting).
    /// </summary>
    public TlsCryptoProvider CryptoProvider { get; set; } = TlsCryptoProvider.DotNet;

    /// <summary>Session resumption tokens (TLS 1.2 tickets and session IDs, TLS 1.3 ticket PSKs); off unless keys are configured.</summary>
    public ResumptionOptions Resumption { get; set; } = new();

    /// <summary>Session traces exported with OTLP; off unless an endpoint is configured. Read at start-up.</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>HTTPS (and client certificates) on the gRPC listener; off (h2c) by default.</summary>
    public ListenerTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// Who may call the broker, by name. Default: none, and then every caller is anonymous and may use
    /// every policy, which is allowed on a loopback listener only.
    /// </summary>
    public Dictionary<string, CallerOptions> Callers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Lets a listener on an address other than loopback run without TLS or without caller
    /// authentication (behind a trusted proxy or in a closed network); logged as a warning at start-up. Default false.
    /// </summary>
    public bool AllowInsecureNetworkListener { get; set; }

    /// <summary>
    /// For tests only: lets a policy set ValidationTime, a fixed time to verify server chains at instead of the
    /// clock's; logged as a warning at start-up and on every reload. Without it a policy's ValidationTime stops the
    /// start (and a reload). Default false.
    /// </summary>
    public bool AllowValidationTimeOverride { get; set; }

    /// <summary>Named TLS policies. "default" (system trust store, strict defaults) is always there unless configured otherwise.</summary>
    public Dictionary<string, TlsPolicyOptions> Policies { get; set; } = new(StringComparer.Ordinal)
    {
        [DefaultPolicyName] = new TlsPolicyOptions(),
    };

    /// <summary>
    /// Every file and folder this configuration reads besides configuration files (each policy's
    /// <see cref="TlsPolicyOptions.ReferencedFiles"/>); the broker watches them and reloads when one
    /// changes. Options of the Broker section that name a file add it here.
    /// </summary>
    public IEnumerable<string> ReferencedFiles() =>
        Policies.Values.SelectMany(policy => policy.ReferencedFiles()).Distinct(StringComparer.Ordinal);
}
