namespace TlsBroker.Core.Results;

/// <summary>A TLS alert that ended (or is ending) the session, as sent to or received from the server.</summary>
/// <param name="Description">AlertDescription code (RFC 8446 §6, RFC 5246 §7.2).</param>
/// <param name="Name">The RFC name, e.g. <c>bad_certificate</c>.</param>
/// <param name="Fatal">True for a fatal alert; every TLS 1.3 alert but close_notify and user_canceled is fatal.</param>
/// <param name="Sent">True when the broker sent it, false when the server sent it.</param>
public sealed record TlsAlert(int Description, string Name, bool Fatal, bool Sent);
