namespace TlsBroker.Client.Conformance.Environment;

/// <summary>The broker's policy names the cases use.</summary>
internal sealed record PolicyNames(string Default, string Tls13Only, string Unknown);
