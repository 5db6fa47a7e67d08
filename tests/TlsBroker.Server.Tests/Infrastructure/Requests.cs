using Google.Protobuf;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>Shorthands for the requests the tests send.</summary>
internal static class Requests
{
    public static Start Start(string serverName, string policy = "", params string[] alpn)
    {
        var start = new Start { ServerName = serverName, Policy = policy };
        start.Alpn.AddRange(alpn);
        return start;
    }

    public static ConnectRequest StartRequest(string serverName, string policy = "") => new() { Start = Start(serverName, policy) };

    public static ConnectRequest Received(byte[] data, bool eof = false) =>
        new() { Received = new Received { Data = ByteString.CopyFrom(data), Eof = eof } };

    public static ConnectRequest Write(byte[] plaintext) => new() { Write = new Write { Plaintext = ByteString.CopyFrom(plaintext) } };
}
