using TlsBroker.Server;

return await BrokerApp.RunAsync(args);
