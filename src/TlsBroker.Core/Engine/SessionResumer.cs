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
    /// The state a later session can resume, once this one is established over TLS 1.2: the one
    /// offered when it was resumed, a new one after a full handshake, or null when the server gave
    /// neither a ticket nor a session ID.
    /// </summary>
    public ResumptionState? Export(SecurityParameters parameters, TlsSession? session, IReadOnlyList<byte[]> peerCertificates)
    {
        if (!ProtocolVersion.TLSv12.Equals(parameters.NegotiatedVersion))
        {
            return null;
        }

        if (parameters.IsResumedSession)
        {
            return Offered;
        }

        var sessionId = session?.SessionID ?? [];
        if ((receivedTicket.Length == 0 && sessionId.Length == 0) || session?.ExportSessionParameters() is not { } exported)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var validUntil = EarliestNotAfter(peerCertificates);

        // RFC 5077 §3.3: a ticket_lifetime_hint of 0 means the lifetime is unspecified.
        if (receivedTicket.Length > 0 && ticketLifetimeHintSeconds > 0 && now.AddSeconds(ticketLifetimeHintSeconds) < validUntil)
        {
            validUntil = now.AddSeconds(ticketLifetimeHintSeconds);
        }

        return new ResumptionState(
            ProtocolVersion.TLSv12.FullVersion,
            exported.CipherSuite,
            exported.IsExtendedMasterSecret,
            receivedTicket.Length > 0 ? [] : sessionId,
            receivedTicket,
            exported.MasterSecret.Extract(),
            exported.ReadServerExtensions()?.AsReadOnly() ?? new Dictionary<int, byte[]>().AsReadOnly(),
            peerCertificates,
            now,
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
}
