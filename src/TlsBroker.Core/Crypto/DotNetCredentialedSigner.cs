using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// The client's credentials for BouncyCastle with the CertificateVerify signature made by .NET: BouncyCastle
/// hashes the transcript (no stream signer, so it computes the hash of the chosen scheme) and asks for a raw signature.
/// </summary>
internal sealed class DotNetCredentialedSigner(Certificate certificate, int signatureScheme, DotNetSigningKey key) : TlsCredentialedSigner
{
    public Certificate Certificate => certificate;

    public SignatureAndHashAlgorithm SignatureAndHashAlgorithm { get; } = SignatureScheme.GetSignatureAndHashAlgorithm(signatureScheme);

    public byte[] GenerateRawSignature(byte[] hash) => key.SignHash(hash, signatureScheme);

    public TlsStreamSigner? GetStreamSigner() => null;
}
