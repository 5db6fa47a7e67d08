namespace TlsBroker.Cli.Connect;

/// <summary>Everything <c>tlsbroker connect</c> was asked to do, validated.</summary>
internal sealed record ConnectSettings
{
    public required ServerEndpoint Server { get; init; }

    /// <summary>Sent as SNI and verified; HOST when --servername is not given.</summary>
    public required string ServerName { get; init; }

    public required Uri Broker { get; init; }

    public string Policy { get; init; } = string.Empty;

    public IReadOnlyList<string> Alpn { get; init; } = [];

    public required TimeSpan Timeout { get; init; }

    /// <summary>File holding a resumption token to offer (as s_client -sess_in); null offers none.</summary>
    public string? SessionIn { get; init; }

    /// <summary>File to write the session's latest resumption token to when it ends (as s_client -sess_out); null writes none.</summary>
    public string? SessionOut { get; init; }

    /// <summary>File whose first line is the API key to send; null sends none (a broker without callers).</summary>
    public string? ApiKeyFile { get; init; }
}
