using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>Collects the TLS 1.3 CertificateVerify content BouncyCastle writes, then checks the signature with .NET.</summary>
internal sealed class DotNetTls13Verifier(SignatureCheck check) : Tls13Verifier
{
    private readonly MemoryStream content = new();

    public Stream Stream => content;

    public bool VerifySignature(byte[] signature)
    {
        using (check)
        {
            // BouncyCastle disposes the stream before asking: ToArray still answers on a closed MemoryStream.
            return check.VerifyData(content.ToArray(), signature);
        }
    }
}
