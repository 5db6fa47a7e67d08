namespace TlsBroker.Fuzz;

/// <summary>The engine answered hostile input with something other than a result the contract allows: afl-fuzz records it as a crash.</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
