using TlsBroker.Server;

await BrokerApp.Create(args).RunAsync();
