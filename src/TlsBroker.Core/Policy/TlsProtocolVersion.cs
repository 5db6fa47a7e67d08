namespace TlsBroker.Core.Policy;

/// <summary>The protocol versions a policy may enable. Older versions are never offered (RFC 8996).</summary>
public enum TlsProtocolVersion
{
    Tls12 = 0x0303,
    Tls13 = 0x0304,
}
