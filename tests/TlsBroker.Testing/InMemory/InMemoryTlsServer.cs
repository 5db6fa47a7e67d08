using System.Security.Cryptography;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Testing.InMemory;

/// <summary>BouncyCastle's TLS server with a <see cref="TestChain"/>'s ECDSA leaf and intermediate, for in-memory pumps.</summary>
public sealed class InMemoryTlsServer(TestChain chain, InMemoryServerOptions options) : DefaultTlsServer(new BcTlsCrypto())
{
    public short? AlertReceived { get; private set; }

    /// <summary>The host_name the client sent in server_name, or null when it sent none.</summary>
    public string? ReceivedSni { get; private set; }

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        var names = TlsExtensionsUtilities.GetServerNameExtensionClient(clientExtensions);
        ReceivedSni = names is { Count: > 0 } ? System.Text.Encoding.ASCII.GetString(names[0].NameData) : null;
        base.ProcessClientExtensions(clientExtensions);
    }

    public override int[] GetSupportedGroups() => options.Groups;

    public override TlsCredentials GetCredentials()
    {
        var crypto = (BcTlsCrypto)Crypto;
        TlsCertificate[] certificates = [crypto.CreateCertificate(chain.Leaf.Der), crypto.CreateCertificate(chain.Intermediate.Der)];
        var isTls13 = TlsUtilities.IsTlsV13(m_context.ServerVersion);
        var certificate = isTls13
            ? new Certificate(TlsUtilities.EmptyBytes, certificates.Select(c => new CertificateEntry(c, null)).ToArray())
            : new Certificate(certificates);
        var key = PrivateKeyFactory.CreateKey(((ECDsa)chain.Leaf.PrivateKey).ExportPkcs8PrivateKey());
        var algorithm = SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.ecdsa_secp256r1_sha256);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, key, certificate, algorithm);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) => AlertReceived = alertDescription;

    /// <summary>TLS 1.2 (RFC 8422 §5.4): the server picks the ServerKeyExchange curve; this one takes its own first choice the client offered.</summary>
    protected override int SelectECDH(int minimumCurveBits) =>
        options.Groups.FirstOrDefault(g => m_context.SecurityParameters.ClientSupportedGroups?.Contains(g) != false, -1);

    protected override ProtocolVersion[] GetSupportedVersions() => options.Versions;

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto,
    [
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ]);

    protected override IList<ProtocolName>? GetProtocolNames() =>
        options.Alpn.Length == 0 ? null : options.Alpn.Select(ProtocolName.AsUtf8Encoding).ToList();
}
