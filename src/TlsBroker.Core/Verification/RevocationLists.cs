using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace TlsBroker.Core.Verification;

/// <summary>The CRLs a policy loaded from its CrlFiles and CrlFolder, immutable once loaded.</summary>
public sealed class RevocationLists
{
    private static readonly string[] FolderPatterns = ["*.pem", "*.crl", "*.der"];

    private RevocationLists(IReadOnlyList<X509Crl> crls) => Crls = crls;

    public static RevocationLists Empty { get; } = new([]);

    public IReadOnlyList<X509Crl> Crls { get; }

    /// <summary>
    /// Reads every CRL (PEM "X509 CRL" blocks or DER) of <paramref name="files"/> and of the files in <paramref name="folder"/>;
    /// adds a problem naming each path that is missing, unreadable or holds no CRL.
    /// </summary>
    public static RevocationLists Load(IReadOnlyList<string> files, string? folder, List<string> problems)
    {
        var crls = new List<X509Crl>();
        foreach (var file in files)
        {
            ReadFile("Revocation:CrlFiles", file, crls, problems);
        }

        if (!string.IsNullOrWhiteSpace(folder))
        {
            if (!Directory.Exists(folder))
            {
                problems.Add($"Revocation:CrlFolder '{folder}' is not an existing folder");
            }
            else
            {
                var inFolder = FolderPatterns
                    .SelectMany(pattern => Directory.EnumerateFiles(folder, pattern))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (inFolder.Count == 0)
                {
                    problems.Add($"Revocation:CrlFolder '{folder}' has no *.pem, *.crl or *.der file");
                }

                foreach (var file in inFolder)
                {
                    ReadFile("Revocation:CrlFolder", file, crls, problems);
                }
            }
        }

        return crls.Count == 0 ? Empty : new RevocationLists(crls);
    }

    /// <summary>The CRLs whose issuer name is <paramref name="issuer"/>, as OpenSSL's get_crl_sk first selects by issuer name.</summary>
    internal IEnumerable<X509Crl> IssuedBy(X509Name issuer) => Crls.Where(crl => crl.IssuerDN.Equivalent(issuer));

    private static void ReadFile(string field, string file, List<X509Crl> crls, List<string> problems)
    {
        try
        {
            var read = new X509CrlParser().ReadCrls(File.ReadAllBytes(file));
            if (read.Count == 0)
            {
                problems.Add($"{field}: '{file}' holds no CRL (PEM \"X509 CRL\" or DER)");
            }

            crls.AddRange(read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{field}: '{file}' cannot be read: {e.Message}");
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.Certificates.CrlException or ArgumentException or InvalidOperationException)
        {
            problems.Add($"{field}: '{file}' does not parse as a CRL: {e.Message}");
        }
    }
}
