using TlsBroker.Cli;

return await TlsBrokerCommandLine.RunAsync(args, ConsoleStreams.FromConsole());
