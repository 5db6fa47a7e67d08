using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using TlsBroker.Core.Policy;
using PemObjectReader = Org.BouncyCastle.Utilities.IO.Pem.PemReader;

namespace TlsBroker.Core.Identity;

/// <summary>
/// Loads a policy's <see cref="ClientIdentityOptions"/> into a <see cref="ClientIdentity"/>, adding every
/// problem found to the list. Messages name files and fields, never key material; exceptions of the
/// key parsers are not quoted, as a parser's message could echo what it read.
/// </summary>
internal static class ClientIdentityLoader
{
    public static ClientIdentity? Load(ClientIdentityOptions options, List<string> problems, List<string> warnings)
    {
        var before = problems.Count;
        var certificateFile = Blank(options.CertificateFile);
        var keyFile = Blank(options.KeyFile);
        var pkcs12File = Blank(options.Pkcs12File);
        if (pkcs12File is not null && (certificateFile is not null || keyFile is not null))
        {
            problems.Add("ClientIdentity: give either CertificateFile and KeyFile, or Pkcs12File, not both");
        }
        else if (pkcs12File is null && (certificateFile is null || keyFile is null))
        {
            problems.Add("ClientIdentity: needs CertificateFile and KeyFile (PEM), or Pkcs12File");
        }

        var password = IdentityPassword.Read(options, problems, warnings);
        if (problems.Count > before)
        {
            return null;
        }

        try
        {
            var loaded = pkcs12File is not null
                ? Pkcs12Identity.Load(pkcs12File, password, problems, warnings)
                : LoadPem(certificateFile!, keyFile!, password, problems, warnings);
            if (loaded is not { } material)
            {
                return null;
            }

            var source = pkcs12File ?? $"{certificateFile} and {keyFile}";
            var kind = ClientKeyCheck.Check(material.Key, material.Certificates[0], problems);
            return kind is null
                ? null
                : new ClientIdentity(material.Certificates.Select(c => c.GetEncoded(Asn1Encodable.Der)).ToArray(), material.Certificates, material.Key, kind.Value, source);
        }
        finally
        {
            if (password is not null)
            {
                Array.Clear(password);
            }
        }
    }

    private static (IReadOnlyList<X509CertificateStructure> Certificates, AsymmetricKeyParameter Key)? LoadPem(
        string certificateFile, string keyFile, char[]? password, List<string> problems, List<string> warnings)
    {
        var certificates = ReadCertificates(certificateFile, problems);
        var key = ReadPemKey(keyFile, password, problems, warnings);
        return certificates is null || key is null ? null : (certificates, key);
    }

    private static List<X509CertificateStructure>? ReadCertificates(string path, List<string> problems)
    {
        const string Field = "ClientIdentity:CertificateFile";
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{Field} '{path}' cannot be read: {FileProblem.Describe(e)}");
            return null;
        }

        var certificates = new List<X509CertificateStructure>();
        try
        {
            using var reader = new PemObjectReader(new StringReader(text));
            while (reader.ReadPemObject() is { } pem)
            {
                if (pem.Type is "CERTIFICATE" or "X509 CERTIFICATE")
                {
                    certificates.Add(X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(pem.Content)));
                }
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException)
        {
            problems.Add($"{Field} '{path}': a CERTIFICATE block does not parse as PEM X.509");
            return null;
        }

        if (certificates.Count == 0)
        {
            problems.Add($"{Field} '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            return null;
        }

        return certificates;
    }

    private static AsymmetricKeyParameter? ReadPemKey(string path, char[]? password, List<string> problems, List<string> warnings)
    {
        const string Field = "ClientIdentity:KeyFile";
        string text;
        try
        {
            text = File.ReadAllText(path);
            KeyFilePermissions.WarnIfWorldReadable(Field, path, warnings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{Field} '{path}' cannot be read: {FileProblem.Describe(e)}");
            return null;
        }

        try
        {
            using var reader = new PemReader(new StringReader(text), new PasswordFinder(password));
            while (reader.ReadObject() is { } item)
            {
                switch (item)
                {
                    case AsymmetricCipherKeyPair pair:
                        return pair.Private;
                    case AsymmetricKeyParameter { IsPrivate: true } key:
                        return key;
                }
            }

            problems.Add($"{Field} '{path}' holds no PEM private key (PRIVATE KEY, ENCRYPTED PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
        }
        catch (Org.BouncyCastle.OpenSsl.PasswordException)
        {
            problems.Add($"{Field} '{path}' is encrypted: give its password with PasswordFile or PasswordEnvironmentVariable");
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException or CryptoException or SecurityUtilityException)
        {
            problems.Add(password is null
                ? $"{Field} '{path}': the private key does not parse"
                : $"{Field} '{path}': the private key cannot be decrypted with the configured password or does not parse");
        }

        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private sealed class PasswordFinder(char[]? password) : IPasswordFinder
    {
        public char[]? GetPassword() => password is null ? null : (char[])password.Clone();
    }
}
