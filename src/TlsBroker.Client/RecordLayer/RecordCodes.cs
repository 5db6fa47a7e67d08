namespace TlsBroker.Client.RecordLayer;

/// <summary>The registry values the exported record layer reads and writes (RFC 8446 §B.1–B.3, RFC 5246 §A.1, §A.3–A.4).</summary>
internal static class RecordCodes
{
    public const byte Alert = 21;
    public const byte Handshake = 22;
    public const byte ApplicationData = 23;

    public const byte HelloRequest = 0;
    public const byte NewSessionTicket = 4;
    public const byte KeyUpdate = 24;

    public const byte CloseNotify = 0;
}
