namespace TlsBroker.Conformance.Tests;

/// <summary>Host runs one after another: each starts two brokers and five peers, too much for parallel runs on a small machine.</summary>
[CollectionDefinition(Name)]
public sealed class ConformanceHostCollection
{
    public const string Name = "conformance host";
}
