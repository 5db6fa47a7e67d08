using System.Text.Json;

namespace TlsBroker.Client.Conformance.Environment;

/// <summary>The environment file of tests/conformance/README.md, which the host names in $TLSBROKER_CONFORMANCE.</summary>
internal sealed record ConformanceEnvironment(
    BrokerEntry Broker, BrokerEntry DoomedBroker, BrokerEntry UnreachableBroker, string CaFile, PolicyNames Policies, PeerSet Peers)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ConformanceEnvironment Load(string path) =>
        JsonSerializer.Deserialize<ConformanceEnvironment>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds no environment");
}
