using System.Net;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Resumption;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>The chains real peers serve (ECDSA P-256, RSA-2048, one too big for a single record), each with a default policy trusting its root.</summary>
public sealed class RealPeerFixture : IDisposable
{
    public RealPeerFixture()
    {
        Ecdsa = TestChain.Create();
        Rsa = TestChain.Create(KeyKind.Rsa2048);
        var longNames = Enumerable.Range(0, 300).Select(i => $"host-{i:D3}-{new string('x', 50)}.big.example").ToList();
        Big = TestChain.Create(leafSpec: CertificateSpec.Server("localhost") with { DnsNames = ["localhost", .. longNames], IpAddresses = [IPAddress.Loopback] });
    }

    public TestChain Ecdsa { get; }

    public TestChain Rsa { get; }

    /// <summary>A leaf over 16 KiB, so its Certificate message spans several records (RFC 8446 §5.1: 2^14 bytes at most).</summary>
    public TestChain Big { get; }

    public static TlsPolicy PolicyFor(TestChain chain, string minVersion = "1.2") =>
        TlsPolicy.Create("peer-test", new TlsPolicyOptions { TrustAnchors = chain.RootPath, MinVersion = minVersion });

    /// <summary>
    /// A handshake against the <see cref="Ecdsa"/> chain on <paramref name="port"/>, then close_notify
    /// both ways, which also reads the tickets a TLS 1.3 server sends after the handshake; returns
    /// the handshake's result and the resumption state the session left.
    /// </summary>
    public async Task<(StepResult Result, ResumptionState? State)> ResumableHandshakeAsync(int port, SessionStart start, TimeProvider? time = null)
    {
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(PolicyFor(Ecdsa), time ?? TimeProvider.System), port);
        var result = await pump.HandshakeAsync(start);
        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason}");
        await pump.ShutdownAsync();
        await pump.ReadToEndAsync();
        return (result, pump.Session.ExportResumption());
    }

    public void Dispose()
    {
        Ecdsa.Dispose();
        Rsa.Dispose();
        Big.Dispose();
    }
}
