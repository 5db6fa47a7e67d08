namespace TlsBroker.Client.Conformance.Environment;

/// <summary>A broker of the environment: its gRPC address, and for the doomed one its process id.</summary>
internal sealed record BrokerEntry(string Target, Uri Url, int? MaxMessageBytes, int? Pid);
