namespace TlsBroker.Core.Resumption;

/// <summary>
/// What a later session needs to resume a TLS 1.2 session (RFC 5246 §7.3 session ID, RFC 5077
/// ticket) or a TLS 1.3 one (RFC 8446 §2.2 PSK from a NewSessionTicket): the master secret or PSK,
/// the ticket or session ID, the negotiated parameters and the server chain that was verified for it. It holds a secret: it leaves the engine only as
/// <see cref="ToBytes"/> for the caller to seal, and its <see cref="ToString"/> shows no secret.
/// </summary>
public sealed class ResumptionState
{
    internal ResumptionState(
        int protocolVersion,
        int cipherSuite,
        bool extendedMasterSecret,
        byte[] sessionId,
        byte[] ticket,
        byte[] masterSecret,
        IReadOnlyDictionary<int, byte[]> serverExtensions,
        IReadOnlyList<byte[]> peerCertificates,
        DateTimeOffset establishedAt,
        DateTimeOffset validUntil,
        uint ticketAgeAdd = 0,
        DateTimeOffset? ticketReceivedAt = null)
    {
        ProtocolVersion = protocolVersion;
        CipherSuite = cipherSuite;
        ExtendedMasterSecret = extendedMasterSecret;
        SessionId = sessionId;
        Ticket = ticket;
        MasterSecret = masterSecret;
        ServerExtensions = serverExtensions;
        PeerCertificates = peerCertificates;
        EstablishedAt = establishedAt;
        ValidUntil = validUntil;
        TicketAgeAdd = ticketAgeAdd;
        TicketReceivedAt = ticketReceivedAt ?? establishedAt;
    }

    /// <summary>When the full handshake that created the session completed.</summary>
    public DateTimeOffset EstablishedAt { get; }

    /// <summary>
    /// The latest moment the session may be resumed: the server's ticket lifetime hint (RFC 5077 §3.3)
    /// and the earliest notAfter of the verified chain, since a resumed handshake does not verify it again.
    /// </summary>
    public DateTimeOffset ValidUntil { get; }

    /// <summary>The server's chain as verified in the full handshake, DER, its own certificate first.</summary>
    public IReadOnlyList<byte[]> PeerCertificates { get; }

    internal int ProtocolVersion { get; }

    internal int CipherSuite { get; }

    internal bool ExtendedMasterSecret { get; }

    /// <summary>The server's session ID (RFC 5246 §7.4.1.3); empty when the server issued a ticket instead.</summary>
    internal byte[] SessionId { get; }

    /// <summary>RFC 5077 §3.3 or RFC 8446 §4.6.1 ticket, opaque to the client; empty for session-ID resumption.</summary>
    internal byte[] Ticket { get; }

    /// <summary>The TLS 1.2 master secret, or the TLS 1.3 PSK derived from resumption_master_secret and the ticket nonce (RFC 8446 §4.6.1).</summary>
    internal byte[] MasterSecret { get; }

    /// <summary>TLS 1.3: the server's ticket_age_add, which hides the ticket's age on the wire (RFC 8446 §4.2.11.1); 0 for TLS 1.2.</summary>
    internal uint TicketAgeAdd { get; }

    /// <summary>TLS 1.3: when the NewSessionTicket arrived, from which the ticket's age is counted (RFC 8446 §4.2.11.1).</summary>
    internal DateTimeOffset TicketReceivedAt { get; }

    internal bool IsTls13 => ProtocolVersion == Org.BouncyCastle.Tls.ProtocolVersion.TLSv13.FullVersion;

    /// <summary>The full handshake's ServerHello extensions, which a resumed handshake keeps (RFC 7366 §3.1, RFC 6066 §4).</summary>
    internal IReadOnlyDictionary<int, byte[]> ServerExtensions { get; }

    /// <summary>Parses what <see cref="ToBytes"/> wrote; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out ResumptionState? state) => ResumptionStateFormat.TryRead(bytes, out state);

    /// <summary>The state serialized, secret included: seal it before it leaves the process.</summary>
    public byte[] ToBytes() => ResumptionStateFormat.Write(this);

    public override string ToString() =>
        $"ResumptionState(0x{ProtocolVersion:X4}, suite 0x{CipherSuite:X4}, {(Ticket.Length > 0 ? "ticket" : "session ID")}, valid until {ValidUntil:O})";
}
