using System.Security.Cryptography;

namespace TlsBroker.Core.Engine;

/// <summary>
/// What a caller needs to run the record layer of an established session itself (key export, as ALTS and S2A
/// clients do): for TLS 1.3 the application traffic secrets and their hash, for TLS 1.2 the AEAD keys and implicit
/// IVs of the key block (RFC 5246 §6.3), and the sequence numbers of the next records each way.
/// The arrays are the only copies the engine keeps: <see cref="Dispose"/> zeroes them once they were sent.
/// </summary>
public sealed class ExportedKeys : IDisposable
{
    /// <summary>As <see cref="Results.HandshakeSummary.ProtocolVersion"/>: "TLSv1.3" or "TLSv1.2".</summary>
    public required string ProtocolVersion { get; init; }

    /// <summary>IANA name of the negotiated suite.</summary>
    public required string CipherSuite { get; init; }

    /// <summary>TLS 1.3: the HKDF hash of the suite, "SHA256" or "SHA384"; empty for TLS 1.2.</summary>
    public string Hash { get; init; } = string.Empty;

    /// <summary>TLS 1.3: client_application_traffic_secret_N (RFC 8446 §7.1); empty for TLS 1.2.</summary>
    public byte[] ClientTrafficSecret { get; init; } = [];

    /// <summary>TLS 1.3: server_application_traffic_secret_N; empty for TLS 1.2.</summary>
    public byte[] ServerTrafficSecret { get; init; } = [];

    /// <summary>TLS 1.2: client_write_key; empty for TLS 1.3.</summary>
    public byte[] ClientWriteKey { get; init; } = [];

    /// <summary>TLS 1.2: server_write_key; empty for TLS 1.3.</summary>
    public byte[] ServerWriteKey { get; init; } = [];

    /// <summary>TLS 1.2: client_write_IV (4 bytes for AES-GCM, RFC 5288 §3; 12 for ChaCha20-Poly1305, RFC 7905 §2); empty for TLS 1.3.</summary>
    public byte[] ClientWriteIv { get; init; } = [];

    /// <summary>TLS 1.2: server_write_IV; empty for TLS 1.3.</summary>
    public byte[] ServerWriteIv { get; init; } = [];

    /// <summary>Sequence number of the next record the server sends (records the session read with the current keys).</summary>
    public required long ReadSequence { get; init; }

    /// <summary>Sequence number of the next record the client sends (records the session wrote with the current keys).</summary>
    public required long WriteSequence { get; init; }

    /// <summary>
    /// TLS 1.3: the server sent KeyUpdate with update_requested and the session has not answered yet; RFC 8446 §4.6.3
    /// requires a KeyUpdate from the client before its next application data.
    /// </summary>
    public bool KeyUpdateOwed { get; init; }

    /// <summary>Zeroes every secret.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(ClientTrafficSecret);
        CryptographicOperations.ZeroMemory(ServerTrafficSecret);
        CryptographicOperations.ZeroMemory(ClientWriteKey);
        CryptographicOperations.ZeroMemory(ServerWriteKey);
        CryptographicOperations.ZeroMemory(ClientWriteIv);
        CryptographicOperations.ZeroMemory(ServerWriteIv);
    }

    /// <summary>Names the session's parameters, never its secrets.</summary>
    public override string ToString() =>
        $"ExportedKeys({ProtocolVersion}, {CipherSuite}, read sequence {ReadSequence}, write sequence {WriteSequence})";
}
