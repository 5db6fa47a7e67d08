using System.Security.Cryptography;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Core.Tests.Crypto;

/// <summary>A record cipher holds its native context only inside the step (scope) that used it, and keeps its key across steps.</summary>
[Trait("Category", "Unit")]
public sealed class CipherContextScopeTests
{
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(12);
    private static readonly byte[] Plaintext = RandomNumberGenerator.GetBytes(100);

    public static TheoryData<string> Aeads() => ["AES-128-GCM", "ChaCha20-Poly1305"];

    [Theory]
    [MemberData(nameof(Aeads))]
    public void DoFinal_InsideScope_ClosesContextAtScopeEndAndSealsTheSameNextStep(string aead)
    {
        var cipher = Sealing(aead);
        var openBefore = DotNetAeadCipher.ContextsOpenOnThisThread;
        byte[] first;
        using (CipherContextScope.Enter())
        {
            first = Seal(cipher);
            Assert.Equal(openBefore + 1, DotNetAeadCipher.ContextsOpenOnThisThread);
        }

        Assert.Equal(openBefore, DotNetAeadCipher.ContextsOpenOnThisThread);
        using (CipherContextScope.Enter())
        {
            Assert.Equal(first, Seal(cipher));
        }

        Assert.Equal(openBefore, DotNetAeadCipher.ContextsOpenOnThisThread);
    }

    [Fact]
    public void DoFinal_InNestedScope_ClosesContextOnlyAtOutermostEnd()
    {
        var cipher = Sealing("AES-128-GCM");
        var openBefore = DotNetAeadCipher.ContextsOpenOnThisThread;
        using (CipherContextScope.Enter())
        {
            using (CipherContextScope.Enter())
            {
                Seal(cipher);
            }

            Assert.Equal(openBefore + 1, DotNetAeadCipher.ContextsOpenOnThisThread);
        }

        Assert.Equal(openBefore, DotNetAeadCipher.ContextsOpenOnThisThread);
    }

    [Fact]
    public void DoFinal_OutsideScope_KeepsContextUntilClosed()
    {
        var cipher = Sealing("AES-128-GCM");
        var openBefore = DotNetAeadCipher.ContextsOpenOnThisThread;

        var first = Seal(cipher);
        Assert.Equal(openBefore + 1, DotNetAeadCipher.ContextsOpenOnThisThread);
        Assert.Equal(first, Seal(cipher));
        Assert.Equal(openBefore + 1, DotNetAeadCipher.ContextsOpenOnThisThread);

        cipher.CloseContext();
        Assert.Equal(openBefore, DotNetAeadCipher.ContextsOpenOnThisThread);
    }

    [Fact]
    public void SetKey_AfterUse_ClosesContextAndSealsWithTheNewKey()
    {
        var cipher = Sealing("AES-128-GCM");
        var openBefore = DotNetAeadCipher.ContextsOpenOnThisThread;
        var first = Seal(cipher);

        cipher.SetKey(RandomNumberGenerator.GetBytes(16));

        Assert.Equal(openBefore, DotNetAeadCipher.ContextsOpenOnThisThread);
        Assert.NotEqual(first, Seal(cipher));
        cipher.CloseContext();
    }

    private static DotNetAeadCipher Sealing(string aead)
    {
        DotNetAeadCipher cipher = aead == "AES-128-GCM" ? new AesGcmRecordCipher(encrypting: true) : new ChaCha20Poly1305RecordCipher(encrypting: true);
        cipher.SetKey(RandomNumberGenerator.GetBytes(aead == "AES-128-GCM" ? 16 : 32));
        return cipher;
    }

    private static byte[] Seal(DotNetAeadCipher cipher)
    {
        cipher.Init(Nonce, DotNetAeadCipher.TagSize, null!);
        var buffer = new byte[Plaintext.Length + DotNetAeadCipher.TagSize];
        Plaintext.CopyTo(buffer, 0);
        var length = cipher.DoFinal([], buffer, 0, Plaintext.Length, buffer, 0);
        return buffer[..length];
    }
}
