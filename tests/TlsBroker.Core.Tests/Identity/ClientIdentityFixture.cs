using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Identity;

/// <summary>A client CA with ECDSA P-256, P-384 and RSA-2048 client identities (Ed25519 is issued per test, with openssl), and a server chain to trust.</summary>
public sealed class ClientIdentityFixture : IDisposable
{
    public ClientIdentityFixture()
    {
        Ca = TestClientCa.Create();
        OtherCa = TestClientCa.Create("TlsBroker Test Other Client CA");
        EcdsaP256 = Ca.Issue(KeyKind.EcdsaP256, "client-p256");
        EcdsaP384 = Ca.Issue(KeyKind.EcdsaP384, "client-p384");
        Rsa = Ca.Issue(KeyKind.Rsa2048, "client-rsa");
    }

    public TestClientCa Ca { get; }

    /// <summary>A CA that issued none of the identities: a server asking for its clients gets none of them.</summary>
    public TestClientCa OtherCa { get; }

    public TestClientIdentity EcdsaP256 { get; }

    public TestClientIdentity EcdsaP384 { get; }

    public TestClientIdentity Rsa { get; }

    public TestChain ServerChain { get; } = TestChain.Create();

    public void Dispose()
    {
        Ca.Dispose();
        OtherCa.Dispose();
        ServerChain.Dispose();
    }
}
