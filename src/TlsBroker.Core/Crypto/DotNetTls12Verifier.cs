using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// Checks a TLS 1.2 ServerKeyExchange signature over the hash BouncyCastle computed, with .NET when
/// the scheme is one .NET takes, else with BouncyCastle's own verifier for the same key.
/// </summary>
internal sealed class DotNetTls12Verifier(SubjectPublicKeyInfo keyInfo, short signatureAlgorithm, TlsVerifier bouncyCastle) : TlsVerifier
{
    public TlsStreamVerifier GetStreamVerifier(DigitallySigned digitallySigned) => bouncyCastle.GetStreamVerifier(digitallySigned);

    public bool VerifyRawSignature(DigitallySigned digitallySigned, byte[] hash)
    {
        // RFC 5246 §7.4.1.4.1: the algorithm pair is explicit from TLS 1.2 on; anything else is BouncyCastle's to judge.
        if (digitallySigned.Algorithm is not { } algorithm
            || algorithm.Signature != signatureAlgorithm
            || SignatureCheck.For(SignatureScheme.From(algorithm), keyInfo) is not { } check)
        {
            return bouncyCastle.VerifyRawSignature(digitallySigned, hash);
        }

        using (check)
        {
            return check.VerifyHash(hash, digitallySigned.Signature);
        }
    }
}
