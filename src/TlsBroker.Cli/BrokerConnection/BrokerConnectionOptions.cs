using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace TlsBroker.Cli.BrokerConnection;

/// <summary>
/// The options that say how to reach the broker and which of its policies to use (<c>--broker</c>, <c>--policy</c>,
/// <c>--timeout</c>, <c>--api-key-file</c>), shared by every command that calls one so that they read and check them alike.
/// </summary>
internal sealed class BrokerConnectionOptions
{
    public static readonly Uri DefaultBroker = new("http://127.0.0.1:5001");

    private const double DefaultTimeoutSeconds = 30;

    /// <param name="timeoutDescription">What --timeout bounds for this command.</param>
    public BrokerConnectionOptions(string timeoutDescription)
    {
        Broker = new Option<Uri>("--broker")
        {
            HelpName = "URL",
            Description = "Address of the TlsBroker gRPC service.",
            DefaultValueFactory = _ => DefaultBroker,
            CustomParser = ParseBroker,
        };
        Policy = new Option<string>("--policy")
        {
            HelpName = "NAME",
            Description = "Broker policy to use. [default: the broker's \"default\" policy]",
        };
        Timeout = new Option<double>("--timeout")
        {
            HelpName = "SECONDS",
            Description = timeoutDescription,
            DefaultValueFactory = _ => DefaultTimeoutSeconds,
            CustomParser = ParseTimeout,
        };
        ApiKeyFile = new Option<string>("--api-key-file")
        {
            HelpName = "FILE",
            Description = "Send the API key in FILE (its first line) as 'authorization: Bearer <key>', for a broker with configured callers. A file rather than an argument keeps the key out of process lists.",
        };
    }

    public Option<Uri> Broker { get; }

    public Option<string> Policy { get; }

    public Option<double> Timeout { get; }

    public Option<string> ApiKeyFile { get; }

    public IEnumerable<Option> All => [Broker, Policy, Timeout, ApiKeyFile];

    public BrokerConnectionSettings Read(ParseResult parseResult) => new(
        parseResult.GetRequiredValue(Broker),
        parseResult.GetValue(Policy) ?? string.Empty,
        TimeSpan.FromSeconds(parseResult.GetRequiredValue(Timeout)),
        parseResult.GetValue(ApiKeyFile));

    private static Uri? ParseBroker(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"'{text}' is not a broker URL: use http://HOST:PORT or https://HOST:PORT");
        return null;
    }

    private static double ParseTimeout(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= int.MaxValue / 1000)
        {
            return seconds;
        }

        result.AddError($"'{text}' is not a timeout: give a number of seconds greater than 0, e.g. 30 or 2.5");
        return default;
    }
}
