namespace TlsBroker.Server.Audit;

/// <summary>What the audit log says about one session. Nothing secret: no plaintext, no key, no token.</summary>
/// <param name="Ret">The last TLS status returned (the failing one when the session failed); 0 when none was.</param>
/// <param name="PeerLeafSha256">SHA-256 of the server certificate's DER, hex, as <c>openssl x509 -fingerprint -sha256</c> without colons; "none" when none arrived.</param>
/// <param name="BytesIn">TLS bytes from the server, forwarded by the caller.</param>
/// <param name="BytesOut">TLS bytes the broker gave the caller to send to the server.</param>
/// <param name="KeysExported">The caller took the session's traffic keys (key export) and runs its record layer.</param>
internal sealed record AuditRecord(
    string SessionId,
    string Caller,
    string Policy,
    string ServerName,
    string Outcome,
    int Ret,
    string SslError,
    string Alert,
    int VerifyCode,
    string GrpcStatus,
    string TlsVersion,
    string CipherSuite,
    bool ClientCertificateSent,
    string PeerLeafSha256,
    bool Resumed,
    long BytesIn,
    long BytesOut,
    TimeSpan Duration,
    bool KeysExported = false);
