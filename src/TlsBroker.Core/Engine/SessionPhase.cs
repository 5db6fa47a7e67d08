namespace TlsBroker.Core.Engine;

/// <summary>What a session waits for next. Changed in one place: <see cref="TlsClientSession"/>.</summary>
public enum SessionPhase
{
    AwaitingStart,
    Handshaking,
    Established,
    ShuttingDown,
    Closed,
}
