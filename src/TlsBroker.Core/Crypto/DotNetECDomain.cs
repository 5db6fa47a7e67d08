using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>ECDH on one NIST curve with .NET's <see cref="System.Security.Cryptography.ECDiffieHellman"/>.</summary>
internal sealed class DotNetECDomain(TlsCrypto crypto, NistCurve curve) : TlsECDomain
{
    public TlsAgreement CreateECDH() => new DotNetEcdhAgreement(crypto, curve);
}
