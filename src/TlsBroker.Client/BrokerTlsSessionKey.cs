namespace TlsBroker.Client;

/// <summary>Which sessions a resumption token may resume: those with the same broker, policy and server name.</summary>
/// <param name="Broker">The broker's address, as its channel names it (<c>ChannelBase.Target</c>, e.g. "127.0.0.1:5001").</param>
/// <param name="Policy">The policy name as the client sends it; empty for the broker's default.</param>
/// <param name="ServerName">The server name (SNI) the session was opened for.</param>
public readonly record struct BrokerTlsSessionKey(string Broker, string Policy, string ServerName);
