namespace TlsBroker.Server.Configuration;

/// <summary>
/// The Broker section bound without validation, for what must be read before validation can run
/// (Kestrel's endpoints, gRPC's message limit) or also when it fails (the files an invalid edit names).
/// </summary>
internal static class UnvalidatedOptions
{
    /// <summary>Null when a value does not convert (e.g. <c>Port=abc</c>); validation reports that with every other problem.</summary>
    public static BrokerOptions? TryRead(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(BrokerOptions.SectionName).Get<BrokerOptions>() ?? new BrokerOptions();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
