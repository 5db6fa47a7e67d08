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
        byte[] first;
        using (CipherContextScope.Enter())
        {
            first = Seal(cipher);
            Assert.True(cipher.HoldsContext);
        }

        Assert.False(cipher.HoldsContext);
        using (CipherContextScope.Enter())
        {
            Assert.Equal(first, Seal(cipher));
        }

        Assert.False(cipher.HoldsContext);
    }

    [Fact]
    public void DoFinal_InNestedScope_ClosesContextOnlyAtOutermostEnd()
    {
        var cipher = Sealing("AES-128-GCM");
        using (CipherContextScope.Enter())
        {
            using (CipherContextScope.Enter())
            {
                Seal(cipher);
            }

            Assert.True(cipher.HoldsContext);
        }

        Assert.False(cipher.HoldsContext);
    }

    [Fact]
    public void DoFinal_OutsideScope_KeepsContextUntilClosed()
    {
        var cipher = Sealing("AES-128-GCM");

        var first = Seal(cipher);
        Assert.True(cipher.HoldsContext);
        Assert.Equal(first, Seal(cipher));
        Assert.True(cipher.HoldsContext);

        cipher.CloseContext();
        Assert.False(cipher.HoldsContext);
    }

    [Fact]
    public void SetKey_AfterUse_ClosesContextAndSealsWithTheNewKey()
    {
        var cipher = Sealing("AES-128-GCM");
        var first = Seal(cipher);

        cipher.SetKey(RandomNumberGenerator.GetBytes(16));

        Assert.False(cipher.HoldsContext);
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
