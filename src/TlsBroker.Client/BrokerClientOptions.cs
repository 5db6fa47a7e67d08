namespace TlsBroker.Client;

/// <summary>How to reach the broker and what to ask of it.</summary>
public sealed class BrokerClientOptions
{
    public Uri BrokerAddress { get; set; } = new("http://127.0.0.1:5001");
}
