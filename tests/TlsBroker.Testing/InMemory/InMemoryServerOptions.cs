using Org.BouncyCastle.Tls;

namespace TlsBroker.Testing.InMemory;

/// <summary>What the in-memory server offers: versions, groups (the first it prefers), ALPN.</summary>
public sealed record InMemoryServerOptions
{
    public ProtocolVersion[] Versions { get; init; } = ProtocolVersion.TLSv13.DownTo(ProtocolVersion.TLSv12);

    public int[] Groups { get; init; } = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];

    public string[] Alpn { get; init; } = [];
}
