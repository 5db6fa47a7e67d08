using System.CommandLine;
using System.CommandLine.Parsing;
using TlsBroker.Cli.BrokerConnection;

namespace TlsBroker.Cli.Connect;

/// <summary>The <c>connect</c> command's syntax: its argument, options, help text and validation.</summary>
internal static class ConnectCommand
{
    public static readonly Uri DefaultBroker = BrokerConnectionOptions.DefaultBroker;

    private const string Description =
        "Connect to a TLS server through a TlsBroker, like `openssl s_client -quiet -ign_eof`: tlsbroker opens "
        + "the TCP connection, the broker runs TLS over it. Stdin is sent as application data, the server's data "
        + "goes to stdout; when stdin ends, tlsbroker keeps receiving until the server closes the session.";

    /// <summary>Printed after the options by <c>connect --help</c>.</summary>
    public const string HelpEpilog = """
        Status lines (stderr), with OpenSSL's names and numbers:
          ret=1 error=SSL_ERROR_NONE version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 group=x25519 alpn=h2 verify=0
          ret=-1 error=SSL_ERROR_SSL alert=bad_certificate(42) sent verify=62 reason="..."
          ret=0 error=SSL_ERROR_ZERO_RETURN         the server sent close_notify
          ret=-1 error=SSL_ERROR_SYSCALL reason="unexpected eof while reading"
                                                    the server closed TCP without close_notify

        Exit codes:
          0    handshake completed, server verified, and the server ended the session
               (close_notify, or a TCP close, which is still reported as unexpected eof)
          1    internal error (a bug in tlsbroker)
          2    usage error
          3    cannot connect to the server, or the TCP connection to it failed
          4    broker unreachable, or the broker answered with a gRPC error
          5    TLS failure: handshake, certificate verification, alert
          6    timeout (--timeout)
          130  interrupted (Ctrl+C)
        """;

    /// <param name="run">What to do with valid settings: <see cref="ConnectRunner.RunAsync"/>, or a test's probe.</param>
    public static Command Create(Func<ConnectSettings, CancellationToken, Task<int>> run)
    {
        var server = new Argument<ServerEndpoint>("HOST:PORT")
        {
            Description = "The TLS server to connect to, e.g. example.com:443, 192.0.2.1:443 or [::1]:443.",
            CustomParser = ParseServer,
        };
        var serverName = new Option<string>("--servername")
        {
            HelpName = "NAME",
            Description = "DNS name or IP literal to verify the certificate against; a DNS name is also sent as SNI. [default: HOST]",
        };
        var connection = new BrokerConnectionOptions(
            "Limit for the TCP connect, the handshake and each broker step, and for how long the server may stay silent once stdin has ended.");
        var alpn = new Option<string[]>("--alpn")
        {
            HelpName = "LIST",
            Description = "ALPN protocols to offer, comma-separated, most preferred first, e.g. h2,http/1.1.",
            CustomParser = ParseAlpn,
        };
        var sessionIn = new Option<string>("--sess-in")
        {
            HelpName = "FILE",
            Description = "Offer the resumption token in FILE (written by --sess-out) to resume that session (TLS 1.2 or 1.3, broker with resumption keys).",
        };
        var sessionOut = new Option<string>("--sess-out")
        {
            HelpName = "FILE",
            Description = "Write the session's resumption token to FILE when the session ends, if the broker gave one. The token is a secret.",
        };

        var command = new Command("connect", Description) { server, serverName, connection.Broker, connection.Policy, alpn, connection.Timeout, sessionIn, sessionOut, connection.ApiKeyFile };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var endpoint = parseResult.GetRequiredValue(server);
            var brokerConnection = connection.Read(parseResult);
            var settings = new ConnectSettings
            {
                Server = endpoint,
                ServerName = parseResult.GetValue(serverName) ?? endpoint.Host,
                Broker = brokerConnection.Broker,
                Policy = brokerConnection.Policy,
                Alpn = parseResult.GetValue(alpn) ?? [],
                Timeout = brokerConnection.Timeout,
                SessionIn = parseResult.GetValue(sessionIn),
                SessionOut = parseResult.GetValue(sessionOut),
                ApiKeyFile = brokerConnection.ApiKeyFile,
            };
            return run(settings, cancellationToken);
        });
        return command;
    }

    private static ServerEndpoint? ParseServer(ArgumentResult result)
    {
        if (ServerEndpoint.TryParse(result.Tokens[0].Value, out var endpoint, out var error))
        {
            return endpoint;
        }

        result.AddError(error);
        return null;
    }

    private static string[]? ParseAlpn(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        var protocols = text.Split(',', StringSplitOptions.TrimEntries);

        // RFC 7301 §3.1: protocol names are non-empty and at most 255 bytes.
        if (protocols.Any(p => p.Length is 0 or > 255))
        {
            result.AddError($"'{text}' is not an ALPN list: give protocol names of 1 to 255 characters separated by commas, e.g. h2,http/1.1");
            return null;
        }

        return protocols;
    }
}
