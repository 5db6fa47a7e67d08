namespace TlsBroker.Bench;

/// <summary>A TLS version a handshake phase runs with; every path offers only that version.</summary>
internal enum BenchTlsVersion
{
    Tls13,
    Tls12,
}
