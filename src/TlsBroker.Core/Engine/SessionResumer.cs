using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsBroker.Core.Crypto;
using TlsBroker.Core.Resumption;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Engine;

/// <summary>
/// Session resumption for one session: offers a saved <see cref="ResumptionState"/> to BouncyCastle
/// (TLS 1.2 by session ID, RFC 5246 §7.4.1.2, or by ticket, RFC 5077 §3.4; TLS 1.3 as a resumption
/// PSK, RFC 8446 §4.2.11), asks a TLS 1.2 server for a ticket, and exports the state of the session:
/// a TLS 1.2 one once established, a TLS 1.3 one with every NewSessionTicket that arrives afterwards.
/// </summary>
internal sealed class SessionResumer
{
    /// <summary>RFC 5077 §3.4: the client may send a session ID with its ticket; the server echoes it when it accepts the ticket.</summary>
    private const int TicketSessionIdLength = 32;

    private readonly TimeProvider timeProvider;
    private readonly Tls13Tickets tls13;
    private readonly OfferedResumption? notOffered;
    private readonly bool wasGiven;
    private byte[] receivedTicket = [];
    private long ticketLifetimeHintSeconds;
    private Captured? captured;
    private DateTimeOffset establishedAt;
    private bool inClientHello;

    /// <param name="given">The state the session was given to resume, or null.</param>
    /// <param name="chainAccepted">Whether the policy still accepts the chain a given state was made with.</param>
    public SessionResumer(ResumptionState? given, TimeProvider timeProvider, Func<ResumptionState, bool> chainAccepted)
    {
        this.timeProvider = timeProvider;
        tls13 = new Tls13Tickets(timeProvider);
        wasGiven = given is not null;

        // The cheap check first: the chain's verification may build a path.
        notOffered = given is null ? null
            : !IsUsable(given, timeProvider) ? OfferedResumption.Unusable
            : !chainAccepted(given) ? OfferedResumption.ChainRejected
            : null;
        Offered = wasGiven && notOffered is null ? given : null;
    }

    /// <summary>The state offered in this handshake, never past its <see cref="ResumptionState.ValidUntil"/>.</summary>
    public ResumptionState? Offered { get; }

    /// <summary>
    /// How many times what <see cref="Export"/> gives has changed: once when a TLS 1.2 session is
    /// established, and once per TLS 1.3 NewSessionTicket. The session compares it before and after each step.
    /// </summary>
    public int Updates { get; private set; }

    /// <summary>The TlsSession BouncyCastle offers in a TLS 1.2 ClientHello, or null.</summary>
    public TlsSession? SessionToResume(TlsCrypto crypto)
    {
        if (Offered is not { IsTls13: false } state)
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
        inClientHello = true;
        return TlsUtilities.ImportSession(sessionId, parameters);
    }

    /// <summary>
    /// The TLS 1.3 resumption PSK to offer, or null. RFC 8446 §4.2.11: the PSK may only be used with a
    /// cipher suite of the hash it was established with, so it is offered only when such a suite is.
    /// </summary>
    public IList<TlsPskExternal>? PsksToOffer(TlsCrypto crypto, IEnumerable<int> offeredCipherSuites)
    {
        if (Offered is not { IsTls13: true } state)
        {
            return null;
        }

        var prf = Tls13Tickets.PrfOf(state.CipherSuite);
        if (!offeredCipherSuites.Any(suite => TlsUtilities.IsValidVersionForCipherSuite(suite, ProtocolVersion.TLSv13) && Tls13Tickets.PrfOf(suite) == prf))
        {
            return null;
        }

        return [new BasicTlsPskExternal(state.Ticket, crypto.CreateSecret(state.MasterSecret), prf)];
    }

    /// <summary>
    /// The early secret of the offered TLS 1.3 PSK, HKDF-Extract(0, PSK) (RFC 8446 §7.1), whose binder key is a "res binder" one;
    /// asked for only when the ClientHello being sent carries the PSK.
    /// </summary>
    public TlsSecret ResumptionEarlySecret(BcTlsCrypto crypto)
    {
        var hash = TlsCryptoUtilities.GetHashForPrf(Tls13Tickets.PrfOf(Offered!.CipherSuite));
        var earlySecret = crypto.HkdfInit(hash).HkdfExtract(hash, crypto.CreateSecret(Offered.MasterSecret));
        inClientHello = true;
        return new ResumptionBinderSecret(crypto, earlySecret.Extract());
    }

    /// <summary>
    /// RFC 8446 §4.2.11.1: obfuscated_ticket_age is the time since the ticket was received, in
    /// milliseconds, plus ticket_age_add, modulo 2^32.
    /// </summary>
    public long ObfuscatedTicketAge()
    {
        var age = (long)(timeProvider.GetUtcNow() - Offered!.TicketReceivedAt).TotalMilliseconds;
        return unchecked((uint)(age + Offered.TicketAgeAdd));
    }

    /// <summary>
    /// RFC 5077 §3.2: the SessionTicket extension carries the ticket being presented, or is empty
    /// to ask for a new one. Only for TLS 1.2; a TLS 1.3 server ignores it.
    /// </summary>
    public void AddTicketExtension(IDictionary<int, byte[]> clientExtensions) =>
        clientExtensions[ExtensionType.session_ticket] = Offered is { IsTls13: false, Ticket.Length: > 0 } state ? state.Ticket : [];

    public void NoteTicket(NewSessionTicket ticket)
    {
        receivedTicket = ticket.Ticket;
        ticketLifetimeHintSeconds = ticket.TicketLifetimeHint;
    }

    /// <summary>Called once the TLS 1.3 client Finished is sent, with the transcript through it.</summary>
    public void NoteClientFinished(SecurityParameters parameters, byte[] transcriptHash) => tls13.NoteClientFinished(parameters, transcriptHash);

    public void NoteTls13Ticket(TlsCrypto crypto, long lifetimeSeconds, uint ageAdd, byte[] nonce, byte[] ticket)
    {
        if (tls13.NoteTicket(crypto, lifetimeSeconds, ageAdd, nonce, ticket))
        {
            Updates++;
        }
    }

    /// <summary>Once established: what became of the state the session was given, or null when it was given none.</summary>
    public OfferedResumption? OfferOutcome(bool resumed) =>
        !wasGiven ? null
        : notOffered ?? (resumed ? OfferedResumption.Resumed : inClientHello ? OfferedResumption.DeclinedByServer : OfferedResumption.NotOfferable);

    /// <summary>
    /// Takes what a later session needs from this one as soon as it is established (BouncyCastle
    /// destroys the TLS 1.2 master secret when the connection closes): nothing after a resumed
    /// handshake, which keeps <see cref="Offered"/>, nor when the TLS 1.2 server gave neither a
    /// ticket nor a session ID; a TLS 1.3 session waits for its tickets.
    /// </summary>
    public void Capture(SecurityParameters parameters, TlsSession? session, bool resumed)
    {
        establishedAt = timeProvider.GetUtcNow();
        if (resumed)
        {
            Updates++;
            return;
        }

        var sessionId = session?.SessionID ?? [];
        if (!ProtocolVersion.TLSv12.Equals(parameters.NegotiatedVersion)
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
            establishedAt);
        Updates++;
    }

    /// <summary>
    /// The state a later session can resume: from the latest TLS 1.3 ticket, else the one offered when
    /// this session resumed it, a new one after a full TLS 1.2 handshake, or null (nothing to resume).
    /// </summary>
    public ResumptionState? Export(bool resumed, IReadOnlyList<byte[]> peerCertificates)
    {
        if (tls13.Latest is { } ticket)
        {
            return FromTls13Ticket(ticket, resumed, peerCertificates);
        }

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

    /// <summary>
    /// A ticket received on a resumed session lasts no longer than the state that was resumed: RFC 8446
    /// §4.6.1 recommends a limit on the total lifetime of keying material first tied to a certificate.
    /// </summary>
    private ResumptionState FromTls13Ticket(Tls13Tickets.Ticket ticket, bool resumed, IReadOnlyList<byte[]> peerCertificates)
    {
        var limit = resumed ? Offered!.ValidUntil : EarliestNotAfter(peerCertificates);
        var expiry = ticket.ReceivedAt + ticket.Lifetime;
        return new ResumptionState(
            ProtocolVersion.TLSv13.FullVersion,
            tls13.CipherSuite,
            extendedMasterSecret: true,
            sessionId: [],
            ticket.Identity,
            ticket.Psk,
            new Dictionary<int, byte[]>().AsReadOnly(),
            peerCertificates,
            resumed ? Offered!.EstablishedAt : establishedAt,
            expiry < limit ? expiry : limit,
            ticket.AgeAdd,
            ticket.ReceivedAt);
    }

    private static bool IsUsable(ResumptionState state, TimeProvider timeProvider) =>
        (state.ProtocolVersion == ProtocolVersion.TLSv12.FullVersion || state.IsTls13)
        && timeProvider.GetUtcNow() < state.ValidUntil;

    /// <remarks>
    /// Reads notAfter (RFC 5280 §4.1.2.5) with BouncyCastle's ASN.1 parser rather than loading an
    /// <c>X509Certificate2</c> per certificate: that OpenSSL load ran on every exported TLS 1.2
    /// session and cost the broker about 0.45 ms of CPU per handshake (bench, TLS 1.2, c=8).
    /// </remarks>
    private static DateTimeOffset EarliestNotAfter(IReadOnlyList<byte[]> chain)
    {
        var earliest = DateTimeOffset.MaxValue;
        foreach (var der in chain)
        {
            var notAfter = new DateTimeOffset(X509CertificateStructure.GetInstance(der).EndDate.ToDateTime().ToUniversalTime());
            earliest = notAfter < earliest ? notAfter : earliest;
        }

        return earliest;
    }

    private sealed record Captured(
        int CipherSuite, bool ExtendedMasterSecret, byte[] SessionId, byte[] MasterSecret, IReadOnlyDictionary<int, byte[]> ServerExtensions, DateTimeOffset At);
}
