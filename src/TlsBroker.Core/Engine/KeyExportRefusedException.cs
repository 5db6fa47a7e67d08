namespace TlsBroker.Core.Engine;

/// <summary>
/// The session cannot hand its keys over in its present state (not established, part of a record pending, a suite
/// whose record layer a caller cannot run). The service answers it with FAILED_PRECONDITION; the session is unchanged.
/// </summary>
public sealed class KeyExportRefusedException(string message) : Exception(message);
