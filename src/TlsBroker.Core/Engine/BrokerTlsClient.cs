using System.Text;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Engine;

/// <summary>
/// What BouncyCastle asks a TLS client: the policy's versions, suites, groups and signature
/// schemes, SNI and ALPN from the session start, and the alerts raised and received on the way.
/// </summary>
internal sealed class BrokerTlsClient : AbstractTlsClient
{
    private readonly TlsPolicy policy;
    private readonly ServerIdentity identity;
    private readonly IReadOnlyList<string> alpn;
    private readonly ServerCertificateCheck certificateCheck;
    private readonly Tls12GroupRecorder keyExchanges = new();

    public BrokerTlsClient(
        TlsCrypto crypto, TlsPolicy policy, ServerIdentity identity, IReadOnlyList<string> alpn, SessionResumer resumer, TimeProvider timeProvider)
        : base(crypto)
    {
        this.policy = policy;
        this.identity = identity;
        this.alpn = alpn;
        Resumer = resumer;
        certificateCheck = new ServerCertificateCheck(policy.Verifier, identity, timeProvider, new ClientCertificateOffer(policy), this);
    }

    /// <summary>The connection's context, which BouncyCastle sets before the handshake's first message.</summary>
    public TlsClientContext Context => m_context;

    /// <summary>The TLS 1.2 ECDHE group the server chose, or -1.</summary>
    public int Tls12Group => keyExchanges.Group;

    public SessionResumer Resumer { get; }

    /// <summary>The session established by the handshake, for <see cref="SessionResumer.Export"/>.</summary>
    public TlsSession? EstablishedSession => m_context?.Session;

    public ServerCertificateCheck CertificateCheck => certificateCheck;

    /// <summary>The fatal alert BouncyCastle sent, or null: names the alert when a failure is not a TlsFatalAlert.</summary>
    public short? FatalAlertRaised { get; private set; }

    public SecurityParameters? SecurityParameters => m_context?.SecurityParameters;

    public override TlsAuthentication GetAuthentication() => certificateCheck;

    public override int GetMaxHandshakeMessageSize() => PeerInputFailure.MaxHandshakeMessageBytes;

    public override int GetMaxCertificateChainLength() => PeerInputFailure.MaxCertificateChainLength;

    public override TlsKeyExchangeFactory GetKeyExchangeFactory() => keyExchanges;

    public override TlsSession? GetSessionToResume() => Resumer.SessionToResume(Crypto);

    public override IList<TlsPskExternal>? GetExternalPsks() => Resumer.PsksToOffer(Crypto, GetCipherSuites());

    /// <summary>Whether the server accepted the offered TLS 1.3 resumption PSK: BouncyCastle reports a TLS 1.3 handshake as resumed only this way.</summary>
    public bool ResumedWithPsk { get; private set; }

    public override void NotifySelectedPsk(TlsPsk? selectedPsk) => ResumedWithPsk = selectedPsk is not null;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions();
        if (policy.ProtocolVersions().Any(version => !TlsUtilities.IsTlsV13(version)))
        {
            Resumer.AddTicketExtension(extensions);
        }

        return extensions;
    }

    public override void NotifyNewSessionTicket(NewSessionTicket newSessionTicket) => Resumer.NoteTicket(newSessionTicket);

    /// <summary>The chain's signatures are judged by the verifier, so that a weak one gets OpenSSL's verify number, not a bare alert.</summary>
    public override bool ShouldCheckSigAlgOfPeerCerts() => false;

    public override IList<int>? GetEarlyKeyShareGroups() =>
        m_supportedGroups is { Count: > 0 } groups ? [groups[0]] : null;

    /// <summary>
    /// Whether the server's Finished was processed. A close_notify in the same input closes the protocol before the
    /// session sees it connected, so this is what still tells that the handshake itself succeeded.
    /// </summary>
    public bool HandshakeCompleted { get; private set; }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        HandshakeCompleted = true;

        // What the ClientHello offered, which BouncyCastle reads only to build it and to check the server's choices: an
        // established session would keep them (about 0.45 KiB) to its end. BouncyCastle itself drops the lists at the next
        // handshake's start (AbstractTlsClient.NotifyHandshakeBeginning), and none comes: a renegotiation is refused.
        m_supportedGroups = null;
        m_supportedSignatureAlgorithms = null;
        m_supportedSignatureAlgorithmsCert = null;
        m_cipherSuites = null;
        m_protocolVersions = null;
    }

    /// <summary>Whether the server sent close_notify: during the handshake BouncyCastle turns it into a handshake_failure of its own.</summary>
    public bool CloseNotifyReceived { get; private set; }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        CloseNotifyReceived |= alertDescription == AlertDescription.close_notify;

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause)
    {
        if (alertLevel == AlertLevel.fatal)
        {
            FatalAlertRaised = alertDescription;
        }
    }

    protected override ProtocolVersion[] GetSupportedVersions() => policy.ProtocolVersions();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, policy.CipherSuiteCodes());

    protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) =>
        policy.GroupCodes().Where(Crypto.HasNamedGroup).ToList();

    protected override IList<SignatureAndHashAlgorithm> GetSupportedSignatureAlgorithms() =>
        policy.SignatureSchemeCodes().Select(SignatureScheme.GetSignatureAndHashAlgorithm).ToList();

    protected override IList<ProtocolName>? GetProtocolNames() =>
        alpn.Count == 0 ? null : alpn.Select(ProtocolName.AsUtf8Encoding).ToList();

    /// <summary>RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName".</summary>
    protected override IList<ServerName>? GetSniServerNames() =>
        identity.SniHostName is { } host ? [new ServerName(NameType.host_name, Encoding.ASCII.GetBytes(host))] : null;

    /// <summary>
    /// RFC 6066 §8 status_request, with no responder ids or extensions ("the server knows its responder"), only when
    /// the policy checks stapled OCSP responses; BouncyCastle sends it in TLS 1.2 and 1.3 ClientHellos alike.
    /// </summary>
    protected override CertificateStatusRequest? GetCertificateStatusRequest() =>
        policy.Verifier.Revocation.RequestsOcsp ? new CertificateStatusRequest(CertificateStatusType.ocsp, new OcspStatusRequest(null, null)) : null;
}
