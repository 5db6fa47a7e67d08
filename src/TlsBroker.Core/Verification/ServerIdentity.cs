using System.Net;

namespace TlsBroker.Core.Verification;

/// <summary>
/// The name the caller expects the server to prove: a DNS name (sent as SNI, matched against
/// dNSName subjectAltNames) or an IP literal (not sent as SNI, RFC 6066 §3; matched against
/// iPAddress subjectAltNames).
/// </summary>
public sealed record ServerIdentity
{
    private ServerIdentity(string name, IPAddress? ipAddress)
    {
        Name = name;
        IpAddress = ipAddress;
    }

    /// <summary>The DNS name in lower case without a trailing dot, or the IP literal in canonical form.</summary>
    public string Name { get; }

    public IPAddress? IpAddress { get; }

    public bool IsIpAddress => IpAddress is not null;

    /// <summary>The host_name to send in server_name, or null for an IP literal.</summary>
    public string? SniHostName => IsIpAddress ? null : Name;

    /// <summary>Parses what a caller sent; on failure <paramref name="error"/> says what is wrong with it.</summary>
    public static bool TryParse(string serverName, out ServerIdentity? identity, out string error)
    {
        throw new NotImplementedException();
    }
}
