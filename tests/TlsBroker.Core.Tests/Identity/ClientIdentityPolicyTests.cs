using System.Runtime.Versioning;
using TlsBroker.Core.Policy;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Identity;

/// <summary>Loading and validating a policy's ClientIdentity: every accepted form, every refused one, and no key in any text.</summary>
[SupportedOSPlatform("linux")]
public sealed class ClientIdentityPolicyTests(ClientIdentityFixture fixture) : IClassFixture<ClientIdentityFixture>
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("p256", ClientKeyFormat.Pkcs8, "ECDSA P-256")]
    [InlineData("p256", ClientKeyFormat.Sec1, "ECDSA P-256")]
    [InlineData("p256", ClientKeyFormat.EncryptedPkcs8, "ECDSA P-256")]
    [InlineData("p384", ClientKeyFormat.Sec1, "ECDSA P-384")]
    [InlineData("rsa", ClientKeyFormat.Pkcs8, "RSA 2048")]
    [InlineData("rsa", ClientKeyFormat.Pkcs1, "RSA 2048")]
    [InlineData("rsa", ClientKeyFormat.EncryptedPkcs8, "RSA 2048")]
    public void Create_PemIdentity_LoadsCertificateAndKey(string name, ClientKeyFormat format, string algorithm)
    {
        var identity = Identity(name);
        var options = Options(new ClientIdentityOptions
        {
            CertificateFile = identity.CertificatePath,
            KeyFile = identity.WriteKey(format, Password),
            PasswordFile = format == ClientKeyFormat.EncryptedPkcs8 ? WritePasswordFile(Password + "\n") : null,
        });

        var policy = TlsPolicy.Create("mtls", options);

        Assert.NotNull(policy.ClientIdentity);
        Assert.Equal(algorithm, policy.ClientIdentity.KeyAlgorithm);
        Assert.Equal([identity.CertificateDer], policy.ClientIdentity.Certificates);
        Assert.Empty(policy.Warnings);
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task Create_Ed25519Identity_Loads()
    {
        var identity = await fixture.Ca.IssueEd25519Async();

        var policy = TlsPolicy.Create("mtls", Options(new ClientIdentityOptions { CertificateFile = identity.CertificatePath, KeyFile = identity.KeyPath }));

        Assert.Equal("Ed25519", policy.ClientIdentity!.KeyAlgorithm);
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("p256")]
    [InlineData("rsa")]
    public void Create_Pkcs12WithPasswordFromEnvironment_LoadsKeyAndChain(string name)
    {
        var identity = Identity(name);
        var variable = $"TLSBROKER_TEST_P12_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, Password);
        try
        {
            var path = identity.WritePkcs12(Password, fixture.Ca.Root.Certificate);

            var policy = TlsPolicy.Create("mtls", Options(new ClientIdentityOptions { Pkcs12File = path, PasswordEnvironmentVariable = variable }));

            Assert.Equal(identity.CertificateDer, policy.ClientIdentity!.Certificates[0]);
            Assert.Equal([identity.CertificateDer, fixture.Ca.Root.Der], policy.ClientIdentity.Certificates);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Create_ManyIdentityProblems_ReportsEveryOneAtOnce()
    {
        var options = Options(new ClientIdentityOptions
        {
            CertificateFile = Path.Combine(fixture.Ca.Folder, "missing.crt.pem"),
            KeyFile = Path.Combine(fixture.Ca.Folder, "missing.key.pem"),
        });
        options.Pins = ["not base64!", Convert.ToBase64String(new byte[20])];

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("broken", options));

        Assert.Equal(4, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Contains("missing.crt.pem", StringComparison.Ordinal) && p.Contains("file not found", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("missing.key.pem", StringComparison.Ordinal) && p.Contains("file not found", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'not base64!' is not base64", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("decodes to 20 bytes", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "key of another certificate", "does not match the certificate" },
        { "rsa 1024", "RSA 1024; RSA keys need at least 2048 bits" },
        { "p521", "is on curve 1.3.132.0.35" },
        { "encrypted without password", "is encrypted: give its password" },
        { "encrypted, wrong password", "cannot be decrypted with the configured password" },
        { "pkcs12, wrong password", "wrong password, or not a PKCS#12 file" },
        { "no certificate", "holds no PEM certificate" },
        { "no key", "holds no PEM private key" },
        { "pem and pkcs12", "not both" },
        { "key without certificate", "needs CertificateFile and KeyFile" },
        { "two password sources", "PasswordFile or PasswordEnvironmentVariable, not both" },
        { "unset variable", "is not set" },
    };

    [Theory]
    [Trait("Category", "Unit")]
    [MemberData(nameof(Refusals))]
    public void Create_BadIdentity_IsAConfigurationProblem(string scenario, string expected)
    {
        var p256 = fixture.EcdsaP256;
        var options = scenario switch
        {
            "key of another certificate" => Pem(p256.CertificatePath, fixture.Rsa.KeyPath),
            "rsa 1024" => Issued(KeyKind.Rsa1024),
            "p521" => Issued(KeyKind.EcdsaP521),
            "encrypted without password" => Pem(p256.CertificatePath, p256.WriteKey(ClientKeyFormat.EncryptedPkcs8, Password)),
            "encrypted, wrong password" => Pem(p256.CertificatePath, p256.WriteKey(ClientKeyFormat.EncryptedPkcs8, Password), passwordFile: WritePasswordFile("wrong")),
            "pkcs12, wrong password" => new ClientIdentityOptions { Pkcs12File = p256.WritePkcs12(Password), PasswordFile = WritePasswordFile("wrong") },
            "no certificate" => Pem(p256.KeyPath, p256.KeyPath),
            "no key" => Pem(p256.CertificatePath, p256.CertificatePath),
            "pem and pkcs12" => Pem(p256.CertificatePath, p256.KeyPath, pkcs12File: p256.WritePkcs12(Password)),
            "key without certificate" => new ClientIdentityOptions { KeyFile = p256.KeyPath },
            "two password sources" => Pem(p256.CertificatePath, p256.KeyPath, passwordFile: WritePasswordFile(Password), variable: "PATH"),
            "unset variable" => Pem(p256.CertificatePath, p256.KeyPath, variable: $"TLSBROKER_UNSET_{Guid.NewGuid():N}"),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("mtls", Options(options)));

        var problem = Assert.Single(error.Problems);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.StartsWith("ClientIdentity", problem, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Create_WorldReadableKeyAndPasswordFiles_WarnsAndStillLoads()
    {
        var identity = fixture.EcdsaP256;
        var keyPath = identity.WriteKey(ClientKeyFormat.EncryptedPkcs8, Password);
        var passwordPath = WritePasswordFile(Password);
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(keyPath, readable);
        File.SetUnixFileMode(passwordPath, readable);

        var policy = TlsPolicy.Create("mtls", Options(Pem(identity.CertificatePath, keyPath, passwordFile: passwordPath)));

        Assert.NotNull(policy.ClientIdentity);
        Assert.Equal(2, policy.Warnings.Count);
        Assert.Contains(policy.Warnings, w => w.Contains(keyPath, StringComparison.Ordinal) && w.Contains("mode 644", StringComparison.Ordinal));
        Assert.Contains(policy.Warnings, w => w.Contains(passwordPath, StringComparison.Ordinal) && w.Contains("readable by every user", StringComparison.Ordinal));
    }

    /// <summary>TlsPolicy is a record: its generated ToString prints every property, the identity included.</summary>
    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("p256")]
    [InlineData("rsa")]
    public void ToString_PolicyAndIdentity_ShowNoKeyMaterial(string name)
    {
        var identity = Identity(name);
        var policy = TlsPolicy.Create("mtls", Options(Pem(identity.CertificatePath, identity.KeyPath)));

        string[] texts = [policy.ToString(), policy.ClientIdentity!.ToString(), policy.Verifier.ToString() ?? string.Empty];

        Assert.Contains($"ClientIdentity = client identity 'O=TlsBroker Tests,CN={identity.Name}' ({policy.ClientIdentity.KeyAlgorithm})", texts[0], StringComparison.Ordinal);
        Assert.All(texts, text => Assert.All(identity.SecretForms(), secret => Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Create_ProblemsOfABadKey_QuoteNoKeyMaterial()
    {
        var identity = fixture.EcdsaP256;
        var keyPath = identity.WriteKey(ClientKeyFormat.EncryptedPkcs8, Password);

        var error = Assert.Throws<PolicyConfigurationException>(() =>
            TlsPolicy.Create("mtls", Options(Pem(fixture.Rsa.CertificatePath, keyPath, passwordFile: WritePasswordFile(Password)))));

        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
        Assert.All(identity.SecretForms(), secret => Assert.DoesNotContain(secret, error.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    private static ClientIdentityOptions Pem(string certificate, string key, string? passwordFile = null, string? variable = null, string? pkcs12File = null) => new()
    {
        CertificateFile = certificate,
        KeyFile = key,
        PasswordFile = passwordFile,
        PasswordEnvironmentVariable = variable,
        Pkcs12File = pkcs12File,
    };

    private TestClientIdentity Identity(string name) => name switch
    {
        "p256" => fixture.EcdsaP256,
        "p384" => fixture.EcdsaP384,
        "rsa" => fixture.Rsa,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private ClientIdentityOptions Issued(KeyKind key)
    {
        var identity = fixture.Ca.Issue(key, $"client-{key}-{Guid.NewGuid():N}");
        return Pem(identity.CertificatePath, identity.KeyPath);
    }

    private string WritePasswordFile(string content)
    {
        var path = Path.Combine(fixture.Ca.Folder, $"password-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private TlsPolicyOptions Options(ClientIdentityOptions identity) => new()
    {
        TrustAnchors = fixture.ServerChain.RootPath,
        ClientIdentity = identity,
    };
}
