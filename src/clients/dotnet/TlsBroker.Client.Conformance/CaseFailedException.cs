namespace TlsBroker.Client.Conformance;

/// <summary>A case observed something other than what the conformance README requires.</summary>
internal sealed class CaseFailedException(string message) : Exception(message);
