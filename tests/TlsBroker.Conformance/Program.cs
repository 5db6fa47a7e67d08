using TlsBroker.Conformance;

return await HostCommandLine.RunAsync(args);
