namespace TlsBroker.Core.Engine;

/// <summary>What the caller asks for when it starts a session.</summary>
/// <param name="ServerName">DNS name or IP literal to verify the server against (and send as SNI when a DNS name).</param>
/// <param name="Alpn">ALPN protocols to offer, most preferred first.</param>
public sealed record SessionStart(string ServerName, IReadOnlyList<string> Alpn);
