using TlsBroker.Core.Verification;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

public sealed class ServerPinsTests
{
    /// <summary>The pin a README reader computes with the openssl command line (RFC 7469 §2.4 shows the same pipeline).</summary>
    [Theory]
    [Trait("Category", "Functional")]
    [InlineData(KeyKind.EcdsaP256)]
    [InlineData(KeyKind.Rsa2048)]
    public async Task PinOf_Certificate_EqualsOpenSslSha256OfTheSubjectPublicKeyInfo(KeyKind key)
    {
        using var certificate = TestPki.Issue(CertificateSpec.Root("TlsBroker Pin Test", key));
        var folder = Directory.CreateTempSubdirectory("tlsbroker-pins-").FullName;
        try
        {
            var certificatePath = Path.Combine(folder, "cert.pem");
            await File.WriteAllTextAsync(certificatePath, certificate.CertificatePem);
            var publicKey = await OpenSsl("x509", "-in", certificatePath, "-pubkey", "-noout");
            var publicKeyPath = Path.Combine(folder, "pub.pem");
            await File.WriteAllTextAsync(publicKeyPath, publicKey);
            var derPath = Path.Combine(folder, "pub.der");
            await OpenSsl("pkey", "-pubin", "-in", publicKeyPath, "-outform", "der", "-out", derPath);
            var digestPath = Path.Combine(folder, "digest.bin");
            await OpenSsl("dgst", "-sha256", "-binary", "-out", digestPath, derPath);

            Assert.Equal(Convert.ToBase64String(await File.ReadAllBytesAsync(digestPath)), ServerPins.PinOf(certificate.Certificate));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Parse_SurroundingSpaces_AreNotPartOfThePin()
    {
        var problems = new List<string>();
        var pin = Convert.ToBase64String(new byte[32]);

        var pins = ServerPins.Parse([$"  {pin} "], problems);

        Assert.Empty(problems);
        Assert.Equal([pin], pins!.Values);
    }

    private static async Task<string> OpenSsl(params string[] arguments)
    {
        var (exitCode, output) = await OpenSslCommand.RunAsync(arguments);
        Assert.True(exitCode == 0, output);
        return output;
    }
}
