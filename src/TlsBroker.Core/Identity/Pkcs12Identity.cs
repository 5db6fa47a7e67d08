using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;

namespace TlsBroker.Core.Identity;

/// <summary>Reads the one key of a PKCS#12 file (RFC 7292) and the chain stored for it.</summary>
internal static class Pkcs12Identity
{
    private const string Field = "ClientIdentity:Pkcs12File";

    public static (IReadOnlyList<X509CertificateStructure> Certificates, AsymmetricKeyParameter Key)? Load(
        string path, char[]? password, List<string> problems, List<string> warnings)
    {
        var store = new Pkcs12StoreBuilder().Build();
        try
        {
            using (var stream = File.OpenRead(path))
            {
                KeyFilePermissions.WarnIfWorldReadable(Field, path, warnings);
                store.Load(stream, password ?? []);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            problems.Add($"{Field} '{path}' cannot be read: {FileProblem.Describe(e)}");
            return null;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or CryptoException or PkcsException)
        {
            // Pkcs12Store says "MAC invalid - wrong password or corrupted file" for both, which is all it can know.
            problems.Add(password is null
                ? $"{Field} '{path}' cannot be opened without a password (give PasswordFile or PasswordEnvironmentVariable), or is not PKCS#12"
                : $"{Field} '{path}' cannot be opened: wrong password, or not a PKCS#12 file");
            return null;
        }

        var aliases = store.Aliases.Where(store.IsKeyEntry).ToList();
        if (aliases.Count != 1)
        {
            problems.Add($"{Field} '{path}' holds {aliases.Count} private keys; it must hold exactly one");
            return null;
        }

        var alias = aliases[0];
        var chain = store.GetCertificateChain(alias)?.Select(entry => entry.Certificate.CertificateStructure).ToList();
        if (chain is not { Count: > 0 })
        {
            problems.Add($"{Field} '{path}' holds no certificate for its private key");
            return null;
        }

        return (chain, store.GetKey(alias).Key);
    }
}
