namespace TlsBroker.Core.Engine;

/// <summary>
/// The caller used the session API wrongly (a message in the wrong phase, a malformed field).
/// Never raised for anything the TLS peer does: peer failures are <see cref="Results.StepResult"/>s.
/// The service maps it to INVALID_ARGUMENT.
/// </summary>
public sealed class SessionMisuseException(string message) : Exception(message);
