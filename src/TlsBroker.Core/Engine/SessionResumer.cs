using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using TlsBroker.Core.Resumption;

namespace TlsBroker.Core.Engine;

/// <summary>
/// TLS 1.2 session resumption for one session: offers a saved <see cref="ResumptionState"/> to
/// BouncyCastle (by session ID, RFC 5246 §7.4.1.2, or by ticket, RFC 5077 §3.4), asks the server for
/// a ticket, and exports the state of the session once established.
/// TLS 1.3 resumption is not offered: BouncyCastle's client (2.7.0) ignores TLS 1.3 NewSessionTicket
/// messages and can only compute "ext binder" PSK binders (RFC 8446 §4.2.11.2 needs "res binder").
/// </summary>
internal sealed class SessionResumer(ResumptionState? offered, TimeProvider timeProvider)
{
    /// <summary>RFC 5077 §3.4: the client may send a session ID with its ticket; the server echoes it when it accepts the ticket.</summary>
    private const int TicketSessionIdLength = 32;

    private byte[] receivedTicket = [];
    private long ticketLifetimeHintSeconds;
    private Captured? captured;

    /// <summary>The state offered in this handshake: only a TLS 1.2 one, and never past its <see cref="ResumptionState.ValidUntil"/>.</summary>
    public ResumptionState? Offered { get; } = IsUsable(offered, timeProvider) ? offered : null;

    /// <summary>The TlsSession BouncyCastle offers in the ClientHello, or null for a full handshake.</summary>
    public TlsSession? SessionToResume(TlsCrypto crypto)
    {
        if (Offered is not { } state)
        {
            return null;
        }

        var parameters = new SessionParameters.Builder()
            .SetNegotiatedVersion(ProtocolVersion.TLSv12)
            .SetCipherSuite(state.CipherSuite)
            .SetExtendedMasterSecret(state.ExtendedMasterSecret)
            .SetMasterSecret(crypto.CreateSecret(state.MasterSecret))
            .SetServerExtensions(state.ServerExtensions.ToDictionary())
            .Build();
        var sessionId = state.Ticket.Length > 0 ? RandomNumberGenerator.GetBytes(TicketSessionIdLength) : state.SessionId;
        return TlsUtilities.ImportSession(sessionId, parameters);
    }

    /// <summary>
    /// RFC 5077 §3.2: the SessionTicket extension carries the ticket being presented, or is empty
    /// to ask for a new one. Only for TLS 1.2; a TLS 1.3 server ignores it.
    /// </summary>
    public void AddTicketExtension(IDictionary<int, byte[]> clientExtensions) =>
        clientExtensions[ExtensionType.session_ticket] = Offered is { Ticket.Length: > 0 } state ? state.Ticket : [];

    public void NoteTicket(NewSessionTicket ticket)
    {
        receivedTicket = ticket.Ticket;
        ticketLifetimeHintSeconds = ticket.TicketLifetimeHint;
    }

    /// <summary>
    /// Takes what a later session needs from this one as soon as it is established over TLS 1.2
    /// (BouncyCastle destroys the master secret when the connection closes): nothing after a resumed
    /// handshake, which keeps <see cref="Offered"/>, nor when the server gave neither a ticket nor a session ID.
    /// </summary>
    public void Capture(SecurityParameters parameters, TlsSession? session)
    {
        var sessionId = session?.SessionID ?? [];
        if (!ProtocolVersion.TLSv12.Equals(parameters.NegotiatedVersion) || parameters.IsResumedSession
            || (receivedTicket.Length == 0 && sessionId.Length == 0) || session?.ExportSessionParameters() is not { } exported)
        {
            return;
        }

        captured = new Captured(
            exported.CipherSuite,
            exported.IsExtendedMasterSecret,
            receivedTicket.Length > 0 ? [] : sessionId,
            exported.MasterSecret.Extract(),
            exported.ReadServerExtensions()?.AsReadOnly() ?? new Dictionary<int, byte[]>().AsReadOnly(),
            timeProvider.GetUtcNow());
    }

    /// <summary>
    /// The state a later session can resume: the one offered when this session resumed it, a new one
    /// after a full TLS 1.2 handshake, or null (TLS 1.3, or nothing to resume).
    /// </summary>
    public ResumptionState? Export(bool resumed, IReadOnlyList<byte[]> peerCertificates)
    {
        if (resumed)
        {
            return Offered;
        }

        if (captured is not { } taken)
        {
            return null;
        }

        var validUntil = EarliestNotAfter(peerCertificates);

        // RFC 5077 §3.3: a ticket_lifetime_hint of 0 means the lifetime is unspecified.
        if (receivedTicket.Length > 0 && ticketLifetimeHintSeconds > 0 && taken.At.AddSeconds(ticketLifetimeHintSeconds) < validUntil)
        {
            validUntil = taken.At.AddSeconds(ticketLifetimeHintSeconds);
        }

        return new ResumptionState(
            ProtocolVersion.TLSv12.FullVersion,
            taken.CipherSuite,
            taken.ExtendedMasterSecret,
            taken.SessionId,
            receivedTicket,
            taken.MasterSecret,
            taken.ServerExtensions,
            peerCertificates,
            taken.At,
            validUntil);
    }

    private static bool IsUsable(ResumptionState? state, TimeProvider timeProvider) =>
        state is not null && state.ProtocolVersion == ProtocolVersion.TLSv12.FullVersion && timeProvider.GetUtcNow() < state.ValidUntil;

    private static DateTimeOffset EarliestNotAfter(IReadOnlyList<byte[]> chain)
    {
        var earliest = DateTimeOffset.MaxValue;
        foreach (var der in chain)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
            earliest = notAfter < earliest ? notAfter : earliest;
        }

        return earliest;
    }

    private sealed record Captured(
        int CipherSuite, bool ExtendedMasterSecret, byte[] SessionId, byte[] MasterSecret, IReadOnlyDictionary<int, byte[]> ServerExtensions, DateTimeOffset At);
}
