namespace TlsBroker.Core.Resumption;

/// <summary>
/// What a later session needs to resume a TLS 1.2 session (RFC 5246 §7.3 session ID, RFC 5077
/// ticket): the master secret, the ticket or session ID, the negotiated parameters and the server
/// chain that was verified for it. It holds a secret: it leaves the engine only as
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
        DateTimeOffset validUntil)
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

    /// <summary>RFC 5077 §3.3 ticket, opaque to the client; empty for session-ID resumption.</summary>
    internal byte[] Ticket { get; }

    internal byte[] MasterSecret { get; }

    /// <summary>The full handshake's ServerHello extensions, which a resumed handshake keeps (RFC 7366 §3.1, RFC 6066 §4).</summary>
    internal IReadOnlyDictionary<int, byte[]> ServerExtensions { get; }

    /// <summary>Parses what <see cref="ToBytes"/> wrote; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out ResumptionState? state) => ResumptionStateFormat.TryRead(bytes, out state);

    /// <summary>The state serialized, secret included: seal it before it leaves the process.</summary>
    public byte[] ToBytes() => ResumptionStateFormat.Write(this);

    public override string ToString() =>
        $"ResumptionState(0x{ProtocolVersion:X4}, suite 0x{CipherSuite:X4}, {(Ticket.Length > 0 ? "ticket" : "session ID")}, valid until {ValidUntil:O})";
}
