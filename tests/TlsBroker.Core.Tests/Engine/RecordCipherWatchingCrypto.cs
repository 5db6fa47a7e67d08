using Org.BouncyCastle.Security;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>The engine's default crypto, keeping every record cipher it hands a session so that a test can ask whether it holds a native context.</summary>
internal sealed class RecordCipherWatchingCrypto() : DotNetTlsCrypto(new SecureRandom())
{
    private readonly List<DotNetAeadCipher> ciphers = [];

    public IReadOnlyList<DotNetAeadCipher> Ciphers => ciphers;

    protected override DotNetAeadCipher CreateRecordCipher(int aeadType, bool encrypting)
    {
        var cipher = base.CreateRecordCipher(aeadType, encrypting);
        ciphers.Add(cipher);
        return cipher;
    }
}
