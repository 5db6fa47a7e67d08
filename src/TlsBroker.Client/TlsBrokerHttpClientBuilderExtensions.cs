using Microsoft.Extensions.DependencyInjection;

namespace TlsBroker.Client;

/// <summary>Registers <see cref="HttpClient"/>s whose <c>https://</c> requests go through a TlsBroker.</summary>
public static class TlsBrokerHttpClientBuilderExtensions
{
    /// <summary>
    /// Makes <paramref name="builder"/>'s primary handler a <see cref="BrokerTlsHttpHandler"/>
    /// configured by <paramref name="configure"/>. The options (and so the session cache) are shared
    /// by every handler the factory creates for this client.
    /// </summary>
    /// <param name="builder">The named or typed client, from <c>services.AddHttpClient(...)</c>.</param>
    /// <param name="configure">Sets the broker address (required), policy, API key, timeout.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseTlsBroker(this IHttpClientBuilder builder, Action<BrokerTlsHttpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new BrokerTlsHttpOptions();
        configure(options);
        return builder.ConfigurePrimaryHttpMessageHandler(() => new BrokerTlsHttpHandler(options));
    }

    /// <summary>
    /// Registers the named <see cref="HttpClient"/> <paramref name="name"/> whose <c>https://</c>
    /// requests go through the broker: <c>services.AddTlsBrokerHttpClient("web", o =&gt; o.BrokerAddress = new("http://127.0.0.1:5001"))</c>,
    /// then <c>IHttpClientFactory.CreateClient("web")</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="configure">Sets the broker address (required), policy, API key, timeout.</param>
    /// <returns>The client's builder, for more configuration.</returns>
    public static IHttpClientBuilder AddTlsBrokerHttpClient(this IServiceCollection services, string name, Action<BrokerTlsHttpOptions> configure) =>
        services.AddHttpClient(name).UseTlsBroker(configure);
}
