using TlsBroker.Core.Resumption;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Engine;

/// <summary>What the caller asks for when it starts a session.</summary>
/// <param name="ServerName">DNS name or IP literal to verify the server against (and send as SNI when a DNS name).</param>
/// <param name="Alpn">ALPN protocols to offer, most preferred first.</param>
public sealed record SessionStart(string ServerName, IReadOnlyList<string> Alpn)
{
    /// <summary>A start for a name the caller has already parsed (to check it against the policy), so that Start does not parse it again.</summary>
    public SessionStart(ServerIdentity server, IReadOnlyList<string> alpn)
        : this(server.Name, alpn)
    {
        Server = server;
    }

    /// <summary><see cref="ServerName"/> parsed, when the caller gave it so; null otherwise.</summary>
    public ServerIdentity? Server { get; private init; }

    /// <summary>
    /// A session to resume, from <see cref="Results.StepResult.Resumption"/> (or <see cref="TlsClientSession.ExportResumption"/>) of an
    /// earlier session with the same policy and server name (the caller guarantees that scope); null for a full handshake.
    /// What became of it is on the step that completes the handshake (<see cref="Results.ResumptionOutcome.Offered"/>).
    /// </summary>
    public ResumptionState? Resumption { get; init; }

    /// <summary>The parsed name, unless <see cref="ServerName"/> was changed (with <c>with</c>) after parsing.</summary>
    internal ServerIdentity? ParsedServer => Server?.Name == ServerName ? Server : null;
}
