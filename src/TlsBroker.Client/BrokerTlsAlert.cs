namespace TlsBroker.Client;

/// <summary>A TLS alert that ended the session (RFC 8446 §6, RFC 5246 §7.2).</summary>
/// <param name="Code">The AlertDescription code, e.g. 42.</param>
/// <param name="Name">The RFC name, e.g. "bad_certificate".</param>
/// <param name="Sent">True when the broker sent it to the server, false when the server sent it.</param>
/// <param name="Fatal">True for a fatal alert, false for a warning.</param>
public sealed record BrokerTlsAlert(int Code, string Name, bool Sent, bool Fatal);
