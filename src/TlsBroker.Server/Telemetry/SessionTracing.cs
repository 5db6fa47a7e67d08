using System.Diagnostics;

namespace TlsBroker.Server.Telemetry;

/// <summary>The broker's activity source and span names, one <see cref="SessionTrace"/> per Connect stream.</summary>
internal static class SessionTracing
{
    public const string SourceName = "TlsBroker.Server";

    /// <summary>A Connect stream, from its first request to its end.</summary>
    public const string SessionSpan = "tlsbroker.session";

    /// <summary>The TLS handshake, from the Start to the established or failed handshake.</summary>
    public const string HandshakeSpan = "tlsbroker.handshake";

    public static ActivitySource Source { get; } = new(SourceName);
}
