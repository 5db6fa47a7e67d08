using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Engine;

/// <summary>
/// The TLS 1.3 side of resumption for one session: the resumption_master_secret, taken as soon as
/// the client Finished is sent (BouncyCastle keeps neither it nor the transcript), and the PSK of
/// the latest NewSessionTicket, which arrives after the handshake (RFC 8446 §4.6.1).
/// </summary>
internal sealed class Tls13Tickets(TimeProvider timeProvider)
{
    /// <summary>RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)"; clients must not cache longer.</summary>
    private const long MaxTicketLifetimeSeconds = 604800;

    private byte[]? resumptionMasterSecret;
    private int cryptoHashAlgorithm;

    /// <summary>The negotiated TLS 1.3 cipher suite, whose hash the PSK is bound to (RFC 8446 §4.2.11).</summary>
    public int CipherSuite { get; private set; }

    /// <summary>The latest usable ticket, or null.</summary>
    public Ticket? Latest { get; private set; }

    /// <summary>RFC 8446 §7.1: resumption_master_secret = Derive-Secret(Master Secret, "res master", ClientHello...client Finished).</summary>
    public void NoteClientFinished(SecurityParameters parameters, byte[] transcriptHash)
    {
        var secret = TlsCryptoUtilities.HkdfExpandLabel(
            parameters.MasterSecret, parameters.PrfCryptoHashAlgorithm, "res master", transcriptHash, parameters.PrfHashLength);
        resumptionMasterSecret = secret.Extract();
        cryptoHashAlgorithm = parameters.PrfCryptoHashAlgorithm;
        CipherSuite = parameters.CipherSuite;
    }

    /// <summary>Keeps a NewSessionTicket, with its PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length) (RFC 8446 §4.6.1).</summary>
    /// <returns>Whether the ticket can be resumed with.</returns>
    public bool NoteTicket(TlsCrypto crypto, long lifetimeSeconds, uint ageAdd, byte[] nonce, byte[] ticket)
    {
        // RFC 8446 §4.6.1: "The value of zero indicates that the ticket should be discarded immediately."
        if (resumptionMasterSecret is null || lifetimeSeconds == 0)
        {
            return false;
        }

        var psk = TlsCryptoUtilities.HkdfExpandLabel(
            crypto.CreateSecret(resumptionMasterSecret), cryptoHashAlgorithm, "resumption", nonce, TlsCryptoUtilities.GetHashOutputSize(cryptoHashAlgorithm));
        var lifetime = TimeSpan.FromSeconds(Math.Min(lifetimeSeconds, MaxTicketLifetimeSeconds));
        Latest = new Ticket(ticket, psk.Extract(), ageAdd, timeProvider.GetUtcNow(), lifetime);
        return true;
    }

    /// <summary>RFC 8446 Appendix B.4: of the TLS 1.3 suites only TLS_AES_256_GCM_SHA384 uses SHA-384.</summary>
    public static int PrfOf(int cipherSuite) =>
        cipherSuite == Org.BouncyCastle.Tls.CipherSuite.TLS_AES_256_GCM_SHA384 ? PrfAlgorithm.tls13_hkdf_sha384 : PrfAlgorithm.tls13_hkdf_sha256;

    internal sealed record Ticket(byte[] Identity, byte[] Psk, uint AgeAdd, DateTimeOffset ReceivedAt, TimeSpan Lifetime);
}
