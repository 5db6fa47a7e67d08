using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Cli.Connect;

/// <summary>The server to connect to, written HOST:PORT, with an IPv6 literal in brackets ([::1]:443, RFC 3986 §3.2.2).</summary>
internal sealed record ServerEndpoint(string Host, int Port)
{
    public static bool TryParse(string text, [NotNullWhen(true)] out ServerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{text}' is not HOST:PORT: an IPv6 address in brackets must be followed by :PORT, e.g. [::1]:443";
                return false;
            }

            host = text[1..close];
            port = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{host}' in brackets is not an IPv6 address";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0)
            {
                error = $"'{text}' is not HOST:PORT: the port is missing, e.g. {text}:443";
                return false;
            }

            host = text[..colon];
            port = text[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = $"'{text}' is not HOST:PORT: write an IPv6 address in brackets, e.g. [::1]:443";
                return false;
            }
        }

        if (host.Length == 0)
        {
            error = $"'{text}' is not HOST:PORT: the host is missing";
            return false;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            error = $"'{port}' is not a TCP port: use a number from 1 to 65535";
            return false;
        }

        endpoint = new ServerEndpoint(host, number);
        error = null;
        return true;
    }

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
