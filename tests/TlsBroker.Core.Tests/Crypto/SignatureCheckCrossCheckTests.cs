using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Core.Tests.Crypto;

/// <summary>.NET's handshake signature checks against BouncyCastle's signers: a good signature verifies, a changed one does not.</summary>
[Trait("Category", "Unit")]
public sealed class SignatureCheckCrossCheckTests
{
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(130);

    public static TheoryData<int, string> Schemes() => new()
    {
        { SignatureScheme.ecdsa_secp256r1_sha256, "SHA-256withECDSA" },
        { SignatureScheme.ecdsa_secp384r1_sha384, "SHA-384withECDSA" },
        { SignatureScheme.rsa_pss_rsae_sha256, "SHA-256withRSAandMGF1" },
        { SignatureScheme.rsa_pss_rsae_sha384, "SHA-384withRSAandMGF1" },
        { SignatureScheme.rsa_pkcs1_sha256, "SHA-256withRSA" },
    };

    [Theory]
    [MemberData(nameof(Schemes))]
    public void VerifyData_SignedByBouncyCastle_Verifies(int scheme, string bouncyCastleAlgorithm)
    {
        using var key = KeyFor(scheme);
        var signer = SignerUtilities.GetSigner(bouncyCastleAlgorithm);
        signer.Init(true, PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey()));
        signer.BlockUpdate(Content, 0, Content.Length);
        var signature = signer.GenerateSignature();

        using var check = SignatureCheck.For(scheme, SubjectPublicKeyInfo.GetInstance(key.ExportSubjectPublicKeyInfo()));
        Assert.NotNull(check);
        Assert.True(check.VerifyData(Content, signature));
        signature[^1] ^= 1;
        Assert.False(check.VerifyData(Content, signature));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void VerifyData_SignedByDotNet_VerifiesWithBouncyCastleToo(int scheme, string bouncyCastleAlgorithm)
    {
        using var key = KeyFor(scheme);
        var hash = SignatureScheme.GetCryptoHashAlgorithm(scheme) == CryptoHashAlgorithm.sha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        var signature = key switch
        {
            ECDsa ec => ec.SignData(Content, hash, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa => rsa.SignData(Content, hash, SignatureScheme.IsRsaPss(scheme) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException(),
        };
        var verifier = SignerUtilities.GetSigner(bouncyCastleAlgorithm);
        verifier.Init(false, PublicKeyFactory.CreateKey(key.ExportSubjectPublicKeyInfo()));
        verifier.BlockUpdate(Content, 0, Content.Length);

        using var check = SignatureCheck.For(scheme, SubjectPublicKeyInfo.GetInstance(key.ExportSubjectPublicKeyInfo()));
        Assert.True(verifier.VerifySignature(signature));
        Assert.True(check!.VerifyData(Content, signature));
        Assert.False(check.VerifyData(Content.AsSpan(1), signature));
    }

    [Fact]
    public void For_Ed25519_LeavesItToBouncyCastle()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Null(SignatureCheck.For(SignatureScheme.ed25519, SubjectPublicKeyInfo.GetInstance(key.ExportSubjectPublicKeyInfo())));
    }

    private static AsymmetricAlgorithm KeyFor(int scheme) => scheme switch
    {
        SignatureScheme.ecdsa_secp256r1_sha256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        SignatureScheme.ecdsa_secp384r1_sha384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        _ => RSA.Create(2048),
    };
}
