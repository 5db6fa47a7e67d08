using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>How many payload bytes (plaintext to write, bytes received from the server) one request may carry.</summary>
internal static class RequestLimits
{
    /// <summary>
    /// The most bytes one Received or Write request carries: a bulk transfer costs one broker
    /// exchange per burst instead of one per record. It stays below .NET's large-object threshold
    /// (85,000 bytes): every buffer a message passes through is then a short-lived small object,
    /// where 256 KiB messages made each process fault in fresh large-object pages and run
    /// background GCs (measured: 20–25 ms of CPU per MB through the broker, against 15 at 64 KiB).
    /// </summary>
    public const int MaxPayloadBytes = 64 * 1024;

    // Room for the ConnectRequest's own fields and protobuf framing around the payload.
    private const int FramingBytes = 1024;

    /// <summary>
    /// The payload limit for a session the broker started with <paramref name="session"/>: below its
    /// max_message_bytes ("a larger one ends the stream with RESOURCE_EXHAUSTED", broker.proto
    /// SessionInfo), and no more than <see cref="MaxPayloadBytes"/>. A broker that does not say
    /// gets the default.
    /// </summary>
    public static int PayloadBytesFor(SessionInfo? session) =>
        session is { MaxMessageBytes: > 0 } announced
            ? Math.Clamp(announced.MaxMessageBytes - FramingBytes, 1, MaxPayloadBytes)
            : MaxPayloadBytes;
}
