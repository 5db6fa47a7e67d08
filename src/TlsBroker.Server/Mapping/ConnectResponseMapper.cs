using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Results;
using TlsBroker.Server.Resumption;
using WireSslError = TlsBroker.Contracts.V1.SslError;

namespace TlsBroker.Server.Mapping;

/// <summary>
/// The one place where an engine <see cref="StepResult"/> becomes a wire <see cref="ConnectResponse"/>.
/// Byte fields wrap the engine's arrays instead of copying them: the engine hands every step
/// freshly allocated output and never writes to it again, and the response is serialized
/// before the next step runs.
/// </summary>
internal static class ConnectResponseMapper
{
    /// <param name="result">What the engine returned.</param>
    /// <param name="resumption">Seals the resumable state the step reported into the response's token; null for none.</param>
    public static ConnectResponse ToResponse(StepResult result, SessionResumption? resumption = null)
    {
        var response = new ConnectResponse
        {
            RecordsToSend = UnsafeByteOperations.UnsafeWrap(result.RecordsToSend),
            Plaintext = UnsafeByteOperations.UnsafeWrap(result.Plaintext),
            Ret = result.Ret,
            Error = ToWire(result.Error),
            Verify = ToWire(result.Verify),
            Reason = result.Reason,
            ResumptionToken = resumption?.TokenFor(result.Resumption) is { } token ? UnsafeByteOperations.UnsafeWrap(token) : ByteString.Empty,
        };

        if (result.Alert is { } alert)
        {
            response.Alert = ToWire(alert);
        }

        if (result.Established is { } summary)
        {
            response.Established = ToWire(summary);
        }

        if (result.Keys is { } keys)
        {
            response.ExportedKeys = ToWire(keys);
        }

        return response;
    }

    /// <summary>Wraps the engine's arrays without a copy, so that zeroing them once the response is written leaves no copy here.</summary>
    private static Contracts.V1.ExportedKeys ToWire(Core.Engine.ExportedKeys keys) => new()
    {
        ProtocolVersion = keys.ProtocolVersion,
        CipherSuite = keys.CipherSuite,
        Hash = keys.Hash,
        ClientTrafficSecret = UnsafeByteOperations.UnsafeWrap(keys.ClientTrafficSecret),
        ServerTrafficSecret = UnsafeByteOperations.UnsafeWrap(keys.ServerTrafficSecret),
        ClientWriteKey = UnsafeByteOperations.UnsafeWrap(keys.ClientWriteKey),
        ServerWriteKey = UnsafeByteOperations.UnsafeWrap(keys.ServerWriteKey),
        ClientWriteIv = UnsafeByteOperations.UnsafeWrap(keys.ClientWriteIv),
        ServerWriteIv = UnsafeByteOperations.UnsafeWrap(keys.ServerWriteIv),
        ReadSequence = (ulong)keys.ReadSequence,
        WriteSequence = (ulong)keys.WriteSequence,
        KeyUpdateOwed = keys.KeyUpdateOwed,
    };

    // The engine's SslError carries OpenSSL's SSL_ERROR_* numbers, as the wire enum does (ssl.h).
    private static WireSslError ToWire(Core.Results.SslError error) => (WireSslError)(int)error;

    private static Alert ToWire(TlsAlert alert) => new()
    {
        Description = alert.Description,
        Name = alert.Name,
        Level = alert.Fatal ? AlertLevel.Fatal : AlertLevel.Warning,
        Sent = alert.Sent,
    };

    internal static VerifyResult ToWire(VerifyOutcome verify) => new()
    {
        Code = (int)verify.Code,
        Name = verify.OpenSslName,
        Depth = verify.Depth,
    };

    private static Established ToWire(HandshakeSummary summary)
    {
        var established = new Established
        {
            ProtocolVersion = summary.ProtocolVersion,
            CipherSuite = summary.CipherSuite,
            Group = summary.Group,
            Alpn = summary.Alpn ?? string.Empty,
            Resumed = summary.Resumed,
            ClientCertificateSent = summary.ClientCertificateSent,
            HandshakeDuration = Duration.FromTimeSpan(summary.Duration),
        };
        established.PeerCertificates.AddRange(summary.PeerCertificates.Select(certificate => UnsafeByteOperations.UnsafeWrap(certificate)));
        return established;
    }
}
