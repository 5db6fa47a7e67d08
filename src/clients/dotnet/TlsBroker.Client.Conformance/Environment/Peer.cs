namespace TlsBroker.Client.Conformance.Environment;

/// <summary>One TLS server and what the environment expects of a session with it (fields a peer does not have are null).</summary>
internal sealed record Peer(
    string Host,
    int Port,
    string ServerName,
    string[]? OfferAlpn = null,
    string? ExpectAlpn = null,
    string? ExpectVersion = null,
    string? HelloPath = null,
    string? HelloBody = null,
    string? BigPath = null,
    long? BigSize = null,
    string? BigSha256 = null,
    int? ExpectAlert = null,
    string? ExpectAlertName = null,
    int? ExpectVerifyCode = null,
    string? ExpectVerifyName = null,
    string? Greeting = null);
