namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// A <see cref="ChainUnderTest"/> written as PEM files: the server's certificate, what it sends after
/// it, its key, and the broker's anchors. s_server sends only the first certificate of its -cert
/// file, so the rest goes to -cert_chain.
/// </summary>
public sealed class ServedChain : IDisposable
{
    private readonly string folder;

    private ServedChain(string folder)
    {
        this.folder = folder;
        CertificatePath = Path.Combine(folder, "server.pem");
        SentAfterPath = Path.Combine(folder, "sent-after.pem");
        KeyPath = Path.Combine(folder, "key.pem");
        AnchorsPath = Path.Combine(folder, "anchors.pem");
    }

    public string CertificatePath { get; }

    public string SentAfterPath { get; }

    /// <summary>s_server's -cert_chain, when the server sends more than its own certificate.</summary>
    public IReadOnlyList<string> ChainArguments { get; private set; } = [];

    public string KeyPath { get; }

    public string AnchorsPath { get; }

    public static ServedChain Write(ChainUnderTest chain)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "served-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var files = new ServedChain(folder);
        File.WriteAllText(files.CertificatePath, chain.Leaf.CertificatePem);
        if (chain.SentAfterLeaf.Count > 0)
        {
            File.WriteAllText(files.SentAfterPath, string.Concat(chain.SentAfterLeaf.Select(c => c.CertificatePem + "\n")));
            files.ChainArguments = ["-cert_chain", files.SentAfterPath];
        }

        File.WriteAllText(files.KeyPath, chain.Leaf.PrivateKeyPem);
        File.WriteAllText(files.AnchorsPath, string.Concat(chain.Anchors.Select(c => c.CertificatePem + "\n")));
        return files;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // s_server may still hold a file open while it exits; the OS temp cleaner takes the rest.
        }
    }
}
