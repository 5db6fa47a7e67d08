using TlsBroker.Server;

return await BrokerApp.RunAsync(args, Console.Error);
