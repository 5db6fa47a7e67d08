using TlsBroker.Cli.BrokerConnection;

namespace TlsBroker.Cli.Verify;

/// <summary>Everything <c>tlsbroker verify</c> was asked to do, validated.</summary>
internal sealed record VerifySettings
{
    /// <summary>PEM (or one DER) certificates as the server sent them, its own first.</summary>
    public required string ChainFile { get; init; }

    /// <summary>More certificates sent after the chain file's, or null.</summary>
    public string? UntrustedFile { get; init; }

    public required ExpectedIdentities Identities { get; init; }

    /// <summary>Print the path the verdict is about, and the pins' result, as <c>openssl verify -show_chain</c>.</summary>
    public bool ShowChain { get; init; }

    /// <summary>Through the broker; null when <see cref="Offline"/> is set.</summary>
    public BrokerConnectionSettings? Broker { get; init; }

    /// <summary>With no broker, by the same verifier; null when <see cref="Broker"/> is set.</summary>
    public OfflineVerifySettings? Offline { get; init; }
}
