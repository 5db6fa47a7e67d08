using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Tls;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Core.Tests.Crypto;

/// <summary>.NET's record AEADs against BouncyCastle's: what one seals the other opens, and a changed tag is bad_record_mac.</summary>
[Trait("Category", "Unit")]
public sealed class RecordCipherCrossCheckTests
{
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(12);
    private static readonly byte[] AssociatedData = RandomNumberGenerator.GetBytes(13);
    private static readonly byte[] Plaintext = RandomNumberGenerator.GetBytes(1000);

    public static TheoryData<string> Aeads() => ["AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305"];

    [Theory]
    [MemberData(nameof(Aeads))]
    public void DoFinal_SealedByDotNet_OpensWithBouncyCastle(string aead)
    {
        var key = KeyFor(aead);
        var sealedRecord = DotNetDoFinal(aead, key, encrypting: true, Plaintext);

        Assert.Equal(Plaintext, BouncyCastleDoFinal(aead, key, encrypting: false, sealedRecord));
    }

    [Theory]
    [MemberData(nameof(Aeads))]
    public void DoFinal_SealedByBouncyCastle_OpensWithDotNet(string aead)
    {
        var key = KeyFor(aead);
        var sealedRecord = BouncyCastleDoFinal(aead, key, encrypting: true, Plaintext);

        Assert.Equal(sealedRecord, DotNetDoFinal(aead, key, encrypting: true, Plaintext));
        Assert.Equal(Plaintext, DotNetDoFinal(aead, key, encrypting: false, sealedRecord));
    }

    [Theory]
    [MemberData(nameof(Aeads))]
    public void DoFinal_TamperedTag_ThrowsBadRecordMac(string aead)
    {
        var key = KeyFor(aead);
        var sealedRecord = BouncyCastleDoFinal(aead, key, encrypting: true, Plaintext);
        sealedRecord[^1] ^= 1;

        var alert = Assert.Throws<TlsFatalAlert>(() => DotNetDoFinal(aead, key, encrypting: false, sealedRecord));
        Assert.Equal(AlertDescription.bad_record_mac, alert.AlertDescription);
    }

    [Fact]
    public void DoFinal_RecordShorterThanTag_ThrowsBadRecordMac()
    {
        var alert = Assert.Throws<TlsFatalAlert>(() => DotNetDoFinal("AES-128-GCM", KeyFor("AES-128-GCM"), encrypting: false, new byte[15]));
        Assert.Equal(AlertDescription.bad_record_mac, alert.AlertDescription);
    }

    private static byte[] KeyFor(string aead) => RandomNumberGenerator.GetBytes(aead == "AES-128-GCM" ? 16 : 32);

    /// <summary>In place, as TlsAeadCipher calls it: the output overwrites the input at the same offset.</summary>
    private static byte[] DotNetDoFinal(string aead, byte[] key, bool encrypting, byte[] input)
    {
        DotNetAeadCipher cipher = aead.StartsWith("AES", StringComparison.Ordinal) ? new AesGcmRecordCipher(encrypting) : new ChaCha20Poly1305RecordCipher(encrypting);
        cipher.SetKey(key, 0, key.Length);
        cipher.Init(Nonce, DotNetAeadCipher.TagSize, null!);
        var buffer = new byte[5 + Math.Max(input.Length, cipher.GetOutputSize(input.Length))];
        input.CopyTo(buffer, 5);
        var length = cipher.DoFinal(AssociatedData, buffer, 5, input.Length, buffer, 5);
        Assert.Equal(cipher.GetOutputSize(input.Length), length);
        return buffer[5..(5 + length)];
    }

    private static byte[] BouncyCastleDoFinal(string aead, byte[] key, bool encrypting, byte[] input)
    {
        IAeadCipher cipher = aead.StartsWith("AES", StringComparison.Ordinal) ? new GcmBlockCipher(new AesEngine()) : new Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305();
        cipher.Init(encrypting, new AeadParameters(new KeyParameter(key), 128, Nonce, AssociatedData));
        var output = new byte[cipher.GetOutputSize(input.Length)];
        var length = cipher.ProcessBytes(input, 0, input.Length, output, 0);
        length += cipher.DoFinal(output, length);
        return output[..length];
    }
}
