namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// Tests that share one broker. They run one after another, so a test may assert the broker's
/// session count once the sessions of earlier tests have drained.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedBrokerCollection : ICollectionFixture<BrokerFixture>
{
    public const string Name = "shared broker";
}
