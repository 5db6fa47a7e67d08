namespace TlsBroker.Testing.Pki;

/// <summary>
/// A certificate authority run by <c>openssl ca</c> in a temporary folder (its index.txt, serial and CRL number files),
/// with the server certificates, OCSP responses (<c>openssl ocsp -index ... -rsigner ... -respout</c>) and CRLs
/// (<c>openssl ca -gencrl</c>) the revocation tests staple and load. Every certificate is valid for 30 days from now;
/// every OCSP response and CRL is current for one day, so a clock two days ahead finds them stale while the certificates are valid.
/// </summary>
public sealed class RevocationPki : IAsyncDisposable
{
    public const string ServerName = "ocsp.example.test";

    private RevocationPki(string folder) => Folder = folder;

    public string Folder { get; }

    public string CaPath => PathOf("ca.pem");

    /// <summary>Signed by the CA and listed as valid in its index.</summary>
    public string GoodPath => PathOf("good.pem");

    /// <summary>Signed by the CA and revoked (keyCompromise) in its index.</summary>
    public string RevokedPath => PathOf("revoked.pem");

    /// <summary>Signed by the CA but not in its index, so the responder answers "unknown".</summary>
    public string UnlistedPath => PathOf("unlisted.pem");

    /// <summary>The CA's delegated OCSP responder (extendedKeyUsage OCSPSigning, issued by the CA).</summary>
    public string ResponderPath => PathOf("responder.pem");

    public string KeyPath(string certificatePath) => Path.ChangeExtension(certificatePath, ".key");

    /// <summary>The response for <paramref name="certificatePath"/> signed by the delegated responder: good, revoked or unknown as the index says.</summary>
    public string ResponseFor(string certificatePath) => Path.ChangeExtension(certificatePath, ".ocsp.der");

    /// <summary>A "good" response for <see cref="GoodPath"/> signed by a self-signed OCSP signer the CA never certified.</summary>
    public string RogueResponse => PathOf("good.rogue.ocsp.der");

    /// <summary>The CA's CRL, listing <see cref="RevokedPath"/>.</summary>
    public string CrlPath => PathOf("ca.crl.pem");

    /// <summary>A CRL with the CA's name listing nothing, signed by another key.</summary>
    public string ForeignCrlPath => PathOf("foreign.crl.pem");

    /// <summary>An intermediate issued by the CA and revoked by it (cACompromise) after it issued <see cref="SubLeafPath"/>.</summary>
    public string SubCaPath => PathOf("sub.pem");

    /// <summary>A server certificate issued by <see cref="SubCaPath"/>, itself not revoked.</summary>
    public string SubLeafPath => PathOf("subleaf.pem");

    /// <summary>The intermediate's own CRL, listing nothing.</summary>
    public string SubCaCrlPath => PathOf("sub.crl.pem");

    /// <summary>The CRL of another CA (another name), so no CRL of the test CA.</summary>
    public string OtherCaCrlPath => PathOf("other.crl.pem");

    public static async Task<RevocationPki> CreateAsync()
    {
        var pki = new RevocationPki(Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "revocation-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(pki.PathOf("certs"));
        await pki.CreateCaAsync("ca", "Revocation Test CA");
        foreach (var (name, extensions) in new[] { ("good", "leaf_ext"), ("revoked", "leaf_ext"), ("responder", "responder_ext") })
        {
            await pki.RunAsync("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pki.PathOf($"{name}.key"), "-out", pki.PathOf($"{name}.csr"), "-subj", $"/CN={name}");
            await pki.RunAsync("ca", "-batch", "-config", pki.PathOf("ca.cnf"), "-in", pki.PathOf($"{name}.csr"), "-out", pki.PathOf($"{name}.pem"), "-extensions", extensions, "-notext");
        }

        await pki.RunAsync("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pki.PathOf("unlisted.key"), "-out", pki.PathOf("unlisted.csr"), "-subj", "/CN=unlisted");
        await pki.RunAsync("x509", "-req", "-in", pki.PathOf("unlisted.csr"), "-CA", pki.CaPath, "-CAkey", pki.PathOf("ca.key"), "-set_serial", "0x7e57", "-days", "30", "-extfile", pki.PathOf("ca.cnf"), "-extensions", "leaf_ext", "-out", pki.UnlistedPath);
        await pki.RunAsync("ca", "-config", pki.PathOf("ca.cnf"), "-revoke", pki.RevokedPath, "-crl_reason", "keyCompromise");

        // An intermediate the CA certifies and then revokes, with a server certificate of its own and its (empty) CRL.
        await pki.WriteCaConfigAsync("sub");
        await pki.RunAsync("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pki.PathOf("sub.key"), "-out", pki.PathOf("sub.csr"), "-subj", "/CN=Revoked Sub CA");
        await pki.RunAsync("ca", "-batch", "-config", pki.PathOf("ca.cnf"), "-in", pki.PathOf("sub.csr"), "-out", pki.SubCaPath, "-extensions", "ca_ext", "-notext");
        await pki.RunAsync("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pki.PathOf("subleaf.key"), "-out", pki.PathOf("subleaf.csr"), "-subj", "/CN=subleaf");
        await pki.RunAsync("ca", "-batch", "-config", pki.PathOf("sub.cnf"), "-in", pki.PathOf("subleaf.csr"), "-out", pki.SubLeafPath, "-extensions", "leaf_ext", "-notext");
        await pki.RunAsync("ca", "-config", pki.PathOf("ca.cnf"), "-revoke", pki.SubCaPath, "-crl_reason", "cACompromise");
        await pki.RunAsync("ca", "-gencrl", "-config", pki.PathOf("sub.cnf"), "-out", pki.SubCaCrlPath);
        foreach (var certificate in new[] { pki.GoodPath, pki.RevokedPath, pki.UnlistedPath, pki.ResponderPath })
        {
            await pki.RespondAsync(certificate, pki.ResponderPath, pki.ResponseFor(certificate));
        }

        await pki.RunAsync("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pki.PathOf("rogue.key"), "-out", pki.PathOf("rogue.pem"), "-subj", "/CN=rogue responder", "-days", "30", "-config", pki.PathOf("ca.cnf"), "-extensions", "responder_ext");
        await pki.RespondAsync(pki.GoodPath, pki.PathOf("rogue.pem"), pki.RogueResponse);
        await pki.RunAsync("ca", "-gencrl", "-config", pki.PathOf("ca.cnf"), "-out", pki.CrlPath);

        // The same CA name with another key: "openssl ca" signs that CA's (empty) CRL, which names the real CA as its issuer.
        await pki.CreateCaAsync("foreign", "Revocation Test CA");
        await pki.RunAsync("ca", "-gencrl", "-config", pki.PathOf("foreign.cnf"), "-out", pki.ForeignCrlPath);
        await pki.CreateCaAsync("other", "Other Test CA");
        await pki.RunAsync("ca", "-gencrl", "-config", pki.PathOf("other.cnf"), "-out", pki.OtherCaCrlPath);
        return pki;
    }

    /// <summary>A new file in the folder holding the given PEM files (certificates or CRLs), in order.</summary>
    public string Bundle(string name, params string[] pemPaths)
    {
        var path = PathOf(name);
        File.WriteAllText(path, string.Concat(pemPaths.Select(File.ReadAllText)));
        return path;
    }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task CreateCaAsync(string name, string commonName)
    {
        await WriteCaConfigAsync(name);
        await RunAsync("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", PathOf($"{name}.key"), "-out", PathOf($"{name}.pem"), "-subj", $"/CN={commonName}", "-days", "30", "-config", PathOf($"{name}.cnf"), "-extensions", "ca_ext");
    }

    private async Task WriteCaConfigAsync(string name)
    {
        var database = PathOf($"{name}.index.txt");
        await File.WriteAllTextAsync(database, string.Empty);
        await File.WriteAllTextAsync(PathOf($"{name}.serial"), "1000\n");
        await File.WriteAllTextAsync(PathOf($"{name}.crlnumber"), "1000\n");
        await File.WriteAllTextAsync(PathOf($"{name}.cnf"), $"""
            [ca]
            default_ca = test_ca
            [test_ca]
            database = {database}
            new_certs_dir = {PathOf("certs")}
            serial = {PathOf($"{name}.serial")}
            crlnumber = {PathOf($"{name}.crlnumber")}
            certificate = {PathOf($"{name}.pem")}
            private_key = {PathOf($"{name}.key")}
            default_md = sha256
            default_days = 30
            default_crl_days = 1
            policy = policy_any
            unique_subject = no
            [policy_any]
            commonName = supplied
            [leaf_ext]
            basicConstraints = critical,CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = serverAuth
            subjectAltName = DNS:{ServerName}
            authorityKeyIdentifier = keyid
            [responder_ext]
            basicConstraints = critical,CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = OCSPSigning
            [ca_ext]
            basicConstraints = critical,CA:TRUE
            keyUsage = critical,keyCertSign,cRLSign
            subjectKeyIdentifier = hash

            """);
    }

    private Task RespondAsync(string certificate, string signer, string output) =>
        RunAsync("ocsp", "-index", PathOf("ca.index.txt"), "-CA", CaPath, "-issuer", CaPath, "-cert", certificate,
            "-rsigner", signer, "-rkey", KeyPath(signer), "-respout", output, "-ndays", "1", "-no_nonce");

    private async Task RunAsync(params string[] arguments)
    {
        var (exitCode, output) = await OpenSslCommand.RunAsync(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} exited {exitCode}: {output}");
        }
    }
}
