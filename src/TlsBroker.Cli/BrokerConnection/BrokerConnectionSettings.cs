namespace TlsBroker.Cli.BrokerConnection;

/// <summary>How to reach the broker, as <see cref="BrokerConnectionOptions"/> read it.</summary>
/// <param name="Broker">The broker's gRPC address.</param>
/// <param name="Policy">The broker policy; empty selects "default".</param>
/// <param name="Timeout">The command's bound on each broker step.</param>
/// <param name="ApiKeyFile">File whose first line is the API key to send; null sends none (a broker without callers).</param>
internal sealed record BrokerConnectionSettings(Uri Broker, string Policy, TimeSpan Timeout, string? ApiKeyFile);
