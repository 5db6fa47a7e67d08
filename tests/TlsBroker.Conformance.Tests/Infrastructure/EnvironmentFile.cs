using System.Text.Json;

namespace TlsBroker.Conformance.Tests.Infrastructure;

/// <summary>The environment file a client reads (tests/conformance/README.md), read the way a client reads it: by name.</summary>
internal sealed class EnvironmentFile(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public string CaFile => Root.GetProperty("caFile").GetString()!;

    public static EnvironmentFile Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new EnvironmentFile(document.RootElement.Clone());
    }

    public JsonElement Peer(string name) => Root.GetProperty("peers").GetProperty(name);

    public int Port(string peer) => Peer(peer).GetProperty("port").GetInt32();

    public string Text(string peer, string field) => Peer(peer).GetProperty(field).GetString()!;

    public int Number(string peer, string field) => Peer(peer).GetProperty(field).GetInt32();

    /// <summary>"127.0.0.1:port" of <c>broker</c>, <c>doomedBroker</c> or <c>unreachableBroker</c>, as host and port.</summary>
    public (string Host, int Port) Target(string broker)
    {
        var target = Root.GetProperty(broker).GetProperty("target").GetString()!;
        var colon = target.LastIndexOf(':');
        return (target[..colon], int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
