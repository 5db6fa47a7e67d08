using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Testing;
using TlsBroker.Testing.InMemory;

namespace TlsBroker.Benchmarks;

/// <summary>A TLS 1.3 session established against the in-memory server, for the record benchmarks.</summary>
internal sealed class EstablishedSession : IDisposable
{
    /// <summary>RFC 8446 §5.1: the largest plaintext a record carries.</summary>
    public const int RecordPlaintext = 16 * 1024;

    private readonly EngineChainFixture chain = new();

    /// <param name="aead">"AES-128-GCM" or "ChaCha20-Poly1305": the TLS 1.3 suite's record protection.</param>
    public EstablishedSession(string aead)
    {
        var suite = aead == "AES-128-GCM" ? "TLS_AES_128_GCM_SHA256" : "TLS_CHACHA20_POLY1305_SHA256";
        var policy = TlsPolicy.Create("bench", new TlsPolicyOptions { TrustAnchors = chain.Chain.RootPath, CipherSuites = [suite] });
        Session = new TlsClientSession(policy, TimeProvider.System);
        Pump = new InMemoryPump(Session, new InMemoryTlsServer(chain.Chain, new InMemoryServerOptions()), fragmentSize: 0);
        var result = Pump.Handshake(new SessionStart("localhost", []));
        if (result.Established is null)
        {
            throw new InvalidOperationException($"the handshake failed: {result.Error} {result.Reason}");
        }
    }

    public TlsClientSession Session { get; }

    public InMemoryPump Pump { get; }

    /// <summary>One server record carrying <see cref="RecordPlaintext"/> bytes, as the client would read it from the socket.</summary>
    public byte[] NextServerRecord(byte[] plaintext)
    {
        var server = Pump.ServerProtocol;
        server.WriteApplicationData(plaintext, 0, plaintext.Length);
        var record = new byte[server.GetAvailableOutputBytes()];
        server.ReadOutput(record, 0, record.Length);
        return record;
    }

    public void Dispose()
    {
        Session.Dispose();
        chain.Dispose();
    }
}
