using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TlsBroker.Cli.BrokerConnection;
using TlsBroker.Core.Verification;

namespace TlsBroker.Cli.Verify;

/// <summary>The <c>verify</c> command's syntax: its options, help text and which of them go together.</summary>
internal static class VerifyCommand
{
    public const string Name = "verify";

    private const string Description =
        "Verify a certificate chain as `openssl verify` does: through a TlsBroker's Verify RPC with one of its "
        + "policies (the same verifier and cache as its handshakes), or, with --trust, offline with the same verifier "
        + "and no broker.";

    /// <summary>Printed after the options by <c>verify --help</c>.</summary>
    public const string HelpEpilog = """
        Through the broker:
          tlsbroker verify --chain server.pem --servername example.com [--policy P] [--broker URL]
        Offline (no broker; every certificate in --trust is a trust anchor, the system store is not used):
          tlsbroker verify --chain server.pem --trust roots.pem [--untrusted more.pem] [--attime 1767225600]
                           [--purpose sslserver] [--max-depth 4] [--crl ca.crl] [--servername example.com]
                           [--ip 192.0.2.1] [--email user@example.com] [--uri spiffe://example.org/service]

        Output, as openssl verify's:
          server.pem: OK
        or, on stderr, the certificate at fault and OpenSSL's verify number, depth and reason, then on stdout:
          CN = example.com
          error 10 at 0 depth lookup: certificate has expired: ...
          error server.pem: verification failed

        Exit codes:
          0    the chain is accepted
          1    the chain is rejected
          2    usage error (a bad option, an unreadable file)
          4    broker unreachable, or the broker answered with a gRPC error
          6    timeout (--timeout)
          130  interrupted (Ctrl+C)
        """;

    private static readonly string[] Purposes = ["sslserver", "sslclient"];

    /// <param name="run">What to do with valid settings: <see cref="VerifyRunner.RunAsync"/>, or a test's probe.</param>
    public static Command Create(Func<VerifySettings, CancellationToken, Task<int>> run)
    {
        var chain = new Option<string>("--chain")
        {
            HelpName = "FILE",
            Description = "The certificates as the server sends them, its own first: PEM (or one DER certificate).",
            Required = true,
        };
        var untrusted = new Option<string>("--untrusted")
        {
            HelpName = "FILE",
            Description = "More certificates (PEM) the server sent, after those of --chain.",
        };
        var identities = new ExpectedIdentityOptions();
        var showChain = new Option<bool>("--show-chain")
        {
            Description = "Also print the path the verdict is about, leaf first, and the policy's pin result (as openssl verify -show_chain).",
        };
        var connection = new BrokerConnectionOptions("Limit for the call to the broker.");
        var trust = new Option<string>("--trust")
        {
            HelpName = "FILE",
            Description = "Verify offline, with no broker: every certificate in FILE (PEM) is a trust anchor, self-signed or not, and the system store is not used.",
        };
        var attime = new Option<DateTimeOffset>("--attime")
        {
            HelpName = "TIME",
            Description = "Offline: verify at TIME, seconds since the epoch or ISO-8601 (2026-01-01T00:00:00Z), instead of now.",
            CustomParser = ParseTime,
        };
        var purpose = new Option<string>("--purpose")
        {
            HelpName = "sslserver|sslclient",
            Description = "Offline: the extended key usage required, serverAuth or clientAuth.",
            DefaultValueFactory = _ => "sslserver",
            CustomParser = ParsePurpose,
        };
        var maxDepth = new Option<int>("--max-depth")
        {
            HelpName = "N",
            Description = $"Offline: the most intermediates between the server's certificate and the trust anchor, 0 to {ChainRequirements.DefaultMaxDepth} (openssl verify -verify_depth).",
            DefaultValueFactory = _ => ChainRequirements.DefaultMaxDepth,
            CustomParser = ParseMaxDepth,
        };

        var crls = new Option<string[]>("--crl")
        {
            HelpName = "FILE",
            Description = "Offline: CRLs (PEM or DER) to check every certificate below the trust anchor against, as openssl verify -crl_check_all -CRLfile does: a certificate whose issuer has no CRL here fails with 3; repeatable.",
        };

        var command = new Command(Name, Description) { chain, untrusted, showChain, trust, attime, purpose, maxDepth, crls };
        foreach (var option in identities.All.Concat(connection.All))
        {
            command.Options.Add(option);
        }

        Option[] offlineOnly = [attime, purpose, maxDepth, crls];
        command.Validators.Add(result =>
        {
            var offline = result.GetResult(trust) is not null;
            var misplaced = (offline ? connection.All : offlineOnly).FirstOrDefault(option => result.GetResult(option) is { Implicit: false });
            if (misplaced is not null)
            {
                result.AddError(offline
                    ? $"{misplaced.Name} is for a verification through the broker; --trust verifies offline"
                    : $"{misplaced.Name} is for an offline verification: give --trust FILE as well");
            }
            else if (!offline && identities.All.All(option => result.GetResult(option) is null))
            {
                result.AddError("through the broker, give the name the server must prove: --servername NAME, --ip ADDRESS, --email ADDRESS or --uri URI");
            }
        });

        command.SetAction((parseResult, cancellationToken) =>
        {
            var offline = parseResult.GetValue(trust) is { } trustFile
                ? new OfflineVerifySettings(
                    trustFile,
                    parseResult.GetResult(attime) is null ? null : parseResult.GetValue(attime),
                    parseResult.GetValue(purpose) == "sslclient" ? ChainRequirements.ClientAuthOid : ChainRequirements.ServerAuthOid,
                    parseResult.GetValue(maxDepth),
                    parseResult.GetValue(crls) ?? [])
                : null;
            var settings = new VerifySettings
            {
                ChainFile = parseResult.GetRequiredValue(chain),
                UntrustedFile = parseResult.GetValue(untrusted),
                Identities = identities.Read(parseResult),
                ShowChain = parseResult.GetValue(showChain),
                Broker = offline is null ? connection.Read(parseResult) : null,
                Offline = offline,
            };
            return run(settings, cancellationToken);
        });
        return command;
    }

    /// <summary>openssl verify -attime takes seconds since the epoch; an ISO-8601 time without an offset is UTC.</summary>
    private static DateTimeOffset ParseTime(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time)
            && text.Contains('T', StringComparison.Ordinal))
        {
            return time;
        }

        result.AddError($"'{text}' is not a time: give seconds since the epoch (1767225600) or ISO-8601 (2026-01-01T00:00:00Z)");
        return default;
    }

    private static string? ParsePurpose(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (Purposes.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        result.AddError($"'{text}' is not a purpose: give sslserver (extendedKeyUsage serverAuth) or sslclient (clientAuth)");
        return null;
    }

    private static int ParseMaxDepth(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var depth) && depth <= ChainRequirements.DefaultMaxDepth)
        {
            return depth;
        }

        result.AddError($"'{text}' is not a depth: give a whole number of intermediates from 0 to {ChainRequirements.DefaultMaxDepth}");
        return default;
    }
}
