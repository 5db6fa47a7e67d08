using TlsBroker.Core.Resumption;

namespace TlsBroker.Core.Engine;

/// <summary>What the caller asks for when it starts a session.</summary>
/// <param name="ServerName">DNS name or IP literal to verify the server against (and send as SNI when a DNS name).</param>
/// <param name="Alpn">ALPN protocols to offer, most preferred first.</param>
/// <param name="Resumption">
/// A session to resume, from <see cref="TlsClientSession.ExportResumption"/> of an earlier session with the
/// same policy and server name (the caller guarantees that scope); null for a full handshake.
/// </param>
public sealed record SessionStart(string ServerName, IReadOnlyList<string> Alpn, ResumptionState? Resumption = null);
