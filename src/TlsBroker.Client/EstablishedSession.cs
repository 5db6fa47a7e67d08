namespace TlsBroker.Client;

/// <summary>What a completed handshake hands the stream: the call that carries the data phase and what was negotiated.</summary>
/// <param name="Call">The <c>Connect</c> call, in its data phase.</param>
/// <param name="Info">What the handshake negotiated.</param>
/// <param name="EarlyPlaintext">Application data the broker decrypted along with the handshake's last records.</param>
/// <param name="MaxPayloadBytes">The most payload bytes one request may carry (<see cref="RequestLimits"/>).</param>
/// <param name="ServerRecords">Where the bytes given to the broker stand in the server's records.</param>
internal sealed record EstablishedSession(
    PipelinedBrokerCall Call, BrokerTlsSessionInfo Info, ReadOnlyMemory<byte> EarlyPlaintext, int MaxPayloadBytes, RecordBoundaryTracker ServerRecords);
