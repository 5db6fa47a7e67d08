using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Core.Tests.Crypto;

/// <summary>.NET's ECDH against BouncyCastle's on the NIST curves: both ends derive the same secret; a bad share is illegal_parameter.</summary>
[Trait("Category", "Unit")]
public sealed class EcdhCrossCheckTests
{
    private static readonly BcTlsCrypto BouncyCastle = new(new SecureRandom());
    private static readonly BcTlsCrypto DotNet = new DotNetTlsCrypto(new SecureRandom());

    [Theory]
    [InlineData(NamedGroup.secp256r1)]
    [InlineData(NamedGroup.secp384r1)]
    [InlineData(NamedGroup.secp521r1)]
    public void CalculateSecret_DotNetAgainstBouncyCastle_SameSecret(int group)
    {
        var ours = DotNet.CreateECDomain(new TlsECConfig(group)).CreateECDH();
        var theirs = BouncyCastle.CreateECDomain(new TlsECConfig(group)).CreateECDH();
        Assert.IsType<DotNetEcdhAgreement>(ours);

        ours.ReceivePeerValue(theirs.GenerateEphemeral());
        theirs.ReceivePeerValue(ours.GenerateEphemeral());

        Assert.Equal(theirs.CalculateSecret().Extract(), ours.CalculateSecret().Extract());
    }

    [Fact]
    public void ReceivePeerValue_PointOffTheCurve_ThrowsIllegalParameter()
    {
        var share = BouncyCastle.CreateECDomain(new TlsECConfig(NamedGroup.secp256r1)).CreateECDH().GenerateEphemeral();
        share[^1] ^= 1;
        var ours = DotNet.CreateECDomain(new TlsECConfig(NamedGroup.secp256r1)).CreateECDH();

        var alert = Assert.Throws<TlsFatalAlert>(() => ours.ReceivePeerValue(share));
        Assert.Equal(AlertDescription.illegal_parameter, alert.AlertDescription);
    }

    [Fact]
    public void CreateECDomain_X25519_StaysBouncyCastle()
    {
        Assert.IsNotType<DotNetEcdhAgreement>(DotNet.CreateECDomain(new TlsECConfig(NamedGroup.x25519)).CreateECDH());
    }
}
