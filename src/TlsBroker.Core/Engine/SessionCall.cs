namespace TlsBroker.Core.Engine;

/// <summary>The calls a session answers after it has ended (<see cref="TlsClientSession"/>).</summary>
internal enum SessionCall
{
    Receive,
    Write,
    Shutdown,
}
