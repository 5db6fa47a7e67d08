namespace TlsBroker.Core.Tests.Verification;

/// <summary>A <see cref="ChainUnderTest"/> written as PEM files: what s_server sends, its key, and the broker's anchors.</summary>
public sealed class ServedChain : IDisposable
{
    private readonly string folder;

    private ServedChain(string folder)
    {
        this.folder = folder;
        ChainPath = Path.Combine(folder, "chain.pem");
        KeyPath = Path.Combine(folder, "key.pem");
        AnchorsPath = Path.Combine(folder, "anchors.pem");
    }

    public string ChainPath { get; }

    public string KeyPath { get; }

    public string AnchorsPath { get; }

    public static ServedChain Write(ChainUnderTest chain)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "served-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var files = new ServedChain(folder);
        File.WriteAllText(files.ChainPath, string.Concat(new[] { chain.Leaf }.Concat(chain.SentAfterLeaf).Select(c => c.CertificatePem + "\n")));
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
