using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using TlsBroker.Bench;
using TlsBroker.Cli.Connect;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Cli.Bench;

/// <summary>The <c>bench</c> command's syntax: its argument, options, help text and validation.</summary>
internal static class BenchCommand
{
    private const string Description =
        "Measure TLS client cost side by side, one path after the other against the same server: direct (SslStream in "
        + "this process), engine (the TlsBroker engine in this process, no gRPC), broker (a broker process over gRPC "
        + "on loopback, this process forwarding socket bytes) and export (the broker's handshake, then key export: this "
        + "process's own record layer carries the data). Prints a table and the ratios against issue 13's targets (issue 4's where 13 names none).";

    /// <summary>Printed after the options by <c>bench --help</c>.</summary>
    public const string HelpEpilog = """
        Phases: handshakes (full handshakes: TCP connect + handshake with chain and name verification + close_notify
        and close; latency from the start of the TCP connect to the verified handshake), throughput (transfers of
        --throughput-size downloaded and uploaded in 16 KiB writes, TLS 1.3), idle (broker RSS per idle established
        session, then every session must still echo a byte; measured once). Handshake and throughput phases run for
        --duration each, --repeats times, after a warm-up that lasts until the JIT has settled (at most --warmup).
        Throughput and idle need --local-server; against HOST:PORT only the handshake phases run. The export path runs
        the throughput phase only (its handshake is the broker's plus one ExportKeys step); idle runs on broker only.

        Broker: by default the bench starts `dotnet TlsBroker.Server.dll` from its own folder on a free loopback port
        (learning its addresses from the broker's --ready-file), with policies bench-tls13 and bench-tls12 trusting the
        target's anchors, bench-export-tls13 and bench-export-tls12 the same plus KeyExport granted to the caller
        "anonymous" (no Broker:Callers configured), and stops it at the end. With --broker URL the running broker must
        define bench-tls13 and bench-tls12 (MinVersion = MaxVersion = 1.3 / 1.2), and for the export path
        bench-export-tls13 and bench-export-tls12 granting KeyExport to "anonymous" (or leave export out of --paths).

        Exit codes:
          0    every phase ran and no handshake or transfer failed
          1    internal error (a bug in tlsbroker)
          2    usage error
          3    the target server cannot be reached (or bench-server could not start)
          4    the broker could not be started or reached
          5    a TLS handshake failed before the phases (e.g. the certificate is not trusted)
          6    a handshake before the phases took longer than --phase-timeout
          7    the phases ran but some handshakes or transfers failed (counted in the report)
          130  interrupted (Ctrl+C)
        """;

    /// <param name="run">What to do with valid settings: <see cref="BenchRunner.RunAsync"/>, or a test's probe.</param>
    public static Command Create(Func<BenchSettings, CancellationToken, Task<int>> run)
    {
        var server = new Argument<ServerEndpoint?>("HOST:PORT")
        {
            Description = "The TLS server to measure against; leave out with --local-server.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = BenchArgumentParsers.ParseServer,
        };
        var localServer = new Option<bool>("--local-server")
        {
            Description = "Start `tlsbroker bench-server` as a child process on 127.0.0.1 and measure against it (all phases).",
        };
        var serverName = new Option<string>("--servername")
        {
            HelpName = "NAME",
            Description = "DNS name or IP literal every path verifies the certificate against. [default: HOST, or localhost with --local-server]",
        };
        var trust = new Option<FileInfo>("--trust")
        {
            HelpName = "PEM",
            Description = "Trust anchors for a HOST:PORT target (PEM file). [default: the system store; --local-server trusts its generated root]",
        };
        var duration = new Option<double>("--duration")
        {
            HelpName = "SECONDS",
            Description = "How long each measured phase runs: a path's handshakes at one TLS version and concurrency, or its transfers in one direction.",
            DefaultValueFactory = _ => BenchSettings.DefaultDuration.TotalSeconds,
            CustomParser = BenchArgumentParsers.ParseSeconds,
        };
        var repeats = PositiveInt("--repeats", "N", "Runs of every row; the tables give the median and the spread, (max - min) / median, and ratios are computed from medians.", BenchSettings.DefaultRepeats, 100);
        var handshakes = new Option<int?>("--handshakes")
        {
            HelpName = "N",
            Description = "Run exactly N handshakes per phase instead of for --duration (quick checks, not figures to compare).",
            CustomParser = result => BenchArgumentParsers.ParseInt(result, 1, 1_000_000),
        };
        var warmup = new Option<double>("--warmup")
        {
            HelpName = "SECONDS",
            Description = "Longest warm-up per path and TLS version (and per path before the throughput figures): unmeasured work, 8 handshakes "
                + "at a time, in rounds of 1 s until the JIT counters of the bench and of the broker stand still for 2 rounds; the report "
                + "says when a warm-up ended here instead. 0 turns the warm-up off.",
            DefaultValueFactory = _ => BenchSettings.DefaultWarmup.TotalSeconds,
            CustomParser = BenchArgumentParsers.ParseSecondsOrZero,
        };
        var phaseTimeout = new Option<double>("--phase-timeout")
        {
            HelpName = "SECONDS",
            Description = "Time limit of every phase; a phase that reaches it stops and reports what it completed.",
            DefaultValueFactory = _ => 60,
            CustomParser = BenchArgumentParsers.ParseSeconds,
        };
        var concurrency = new Option<int[]>("--concurrency")
        {
            HelpName = "LIST",
            Description = "Concurrent handshakes, comma-separated, one phase each. [default: 1,8,64]",
            CustomParser = result => BenchArgumentParsers.ParseIntList(result, 1, 10_000),
        };
        var tls = new Option<BenchTlsVersion[]>("--tls")
        {
            HelpName = "LIST",
            Description = "TLS versions, comma-separated: 1.3, 1.2. [default: 1.3,1.2]",
            CustomParser = BenchArgumentParsers.ParseTlsVersions,
        };
        var paths = new Option<BenchPathKind[]>("--paths")
        {
            HelpName = "LIST",
            Description = "Paths, comma-separated: direct, engine, broker, export (throughput only). [default: all four]",
            CustomParser = result => BenchArgumentParsers.ParseNames<BenchPathKind>(result, "path"),
        };
        var phases = new Option<BenchPhase[]>("--phases")
        {
            HelpName = "LIST",
            Description = "Phases, comma-separated: handshakes, throughput, idle. [default: all three]",
            CustomParser = result => BenchArgumentParsers.ParseNames<BenchPhase>(result, "phase"),
        };
        var variant = new Option<BenchVariant[]>("--variant")
        {
            HelpName = "NAME:KEY=VALUE[,...]",
            Description = "Run the engine and broker paths once more under these policy settings (TlsPolicyOptions keys), "
                + "e.g. nocache:VerifiedChainCache:MaxEntries=0; repeat for more variants.",
            CustomParser = BenchArgumentParsers.ParseVariants,
        };
        var cryptoProvider = new Option<TlsCryptoProvider?>("--crypto-provider")
        {
            HelpName = "NAME",
            Description = "Cryptography of the engine path and of the broker the bench starts: dotnet or bouncycastle "
                + "(the broker's Broker:CryptoProvider; run twice to compare). [default: dotnet]",
            CustomParser = result =>
            {
                var named = BenchArgumentParsers.ParseNames<TlsCryptoProvider>(result, "crypto provider");
                if (named.Length > 1)
                {
                    result.AddError($"'{result.Tokens[0].Value}' names {named.Length} providers; --crypto-provider takes one (run the bench once per provider)");
                }

                return named is [var one] ? one : null;
            },
        };
        var throughputSize = new Option<long?>("--throughput-size")
        {
            HelpName = "SIZE",
            Description = "Bytes downloaded and uploaded per path: a number with an optional KiB, MiB or GiB suffix. [default: 64MiB]",
            CustomParser = BenchArgumentParsers.ParseSize,
        };
        var idleSessions = new Option<int[]>("--idle-sessions")
        {
            HelpName = "LIST",
            Description = "Idle broker sessions held open at once, comma-separated, one measurement each, e.g. 1000,10000. [default: 1000]",
            CustomParser = result => BenchArgumentParsers.ParseIntList(result, 1, 100_000),
        };
        var broker = new Option<Uri>("--broker")
        {
            HelpName = "URL",
            Description = "Use this running broker instead of starting one (it must define policies bench-tls13 and bench-tls12, "
                + "and for the export path bench-export-tls13 and bench-export-tls12).",
            CustomParser = BenchArgumentParsers.ParseBroker,
        };
        var brokerPid = new Option<int?>("--broker-pid")
        {
            HelpName = "PID",
            Description = "Process id of the --broker, so that its CPU time and memory are measured too.",
            CustomParser = result => BenchArgumentParsers.ParseInt(result, 1, int.MaxValue),
        };
        var brokerAdmin = new Option<Uri>("--broker-admin")
        {
            HelpName = "URL",
            Description = "Admin address (/metrics) of the --broker, so that its managed heap per idle session is measured too.",
            CustomParser = BenchArgumentParsers.ParseBroker,
        };
        var json = new Option<FileInfo>("--json")
        {
            HelpName = "FILE",
            Description = "Also write every figure to FILE as JSON (fields documented in README).",
        };

        var command = new Command("bench", Description)
        {
            server, localServer, serverName, trust, duration, repeats, handshakes, warmup, phaseTimeout, concurrency, tls, paths, phases, variant, cryptoProvider,
            throughputSize, idleSessions, broker, brokerPid, brokerAdmin, json,
        };
        command.Validators.Add(result =>
        {
            // Results, not values: a value that failed to parse would throw here; its own error is reported anyway.
            var hasServer = result.GetResult(server) is { Tokens.Count: > 0 };
            var isLocal = result.GetValue(localServer);
            if (hasServer == isLocal)
            {
                result.AddError("give either HOST:PORT or --local-server (exactly one)");
            }

            if ((result.GetResult(brokerPid) is not null || result.GetResult(brokerAdmin) is not null) && result.GetResult(broker) is null)
            {
                result.AddError("--broker-pid and --broker-admin need --broker (a broker the bench starts is measured anyway)");
            }
        });
        var defaults = new BenchSettings();
        command.SetAction((parseResult, cancellationToken) => run(
            new BenchSettings
            {
                Server = parseResult.GetValue(server) is { } endpoint ? new DnsEndPoint(endpoint.Host, endpoint.Port) : null,
                LocalServer = parseResult.GetValue(localServer),
                ServerName = parseResult.GetValue(serverName),
                Trust = parseResult.GetValue(trust),
                Duration = TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                Repeats = parseResult.GetValue(repeats),
                Handshakes = parseResult.GetValue(handshakes),
                Warmup = TimeSpan.FromSeconds(parseResult.GetValue(warmup)),
                PhaseTimeout = TimeSpan.FromSeconds(parseResult.GetValue(phaseTimeout)),
                Concurrency = OrDefault(parseResult.GetValue(concurrency), defaults.Concurrency),
                TlsVersions = OrDefault(parseResult.GetValue(tls), defaults.TlsVersions),
                Paths = OrDefault(parseResult.GetValue(paths), defaults.Paths),
                Phases = OrDefault(parseResult.GetValue(phases), defaults.Phases),
                Variants = parseResult.GetValue(variant) ?? [],
                CryptoProvider = parseResult.GetValue(cryptoProvider) ?? defaults.CryptoProvider,
                ThroughputBytes = parseResult.GetValue(throughputSize) ?? defaults.ThroughputBytes,
                IdleSessions = OrDefault(parseResult.GetValue(idleSessions), defaults.IdleSessions),
                Broker = parseResult.GetValue(broker),
                BrokerPid = parseResult.GetValue(brokerPid),
                BrokerAdmin = parseResult.GetValue(brokerAdmin),
                Json = parseResult.GetValue(json),
            },
            cancellationToken));
        return command;
    }

    /// <summary>A list option that was not given reads as empty; it then takes the default.</summary>
    private static IReadOnlyList<T> OrDefault<T>(T[]? given, IReadOnlyList<T> defaultValue) => given is { Length: > 0 } ? given : defaultValue;

    private static Option<int> PositiveInt(string name, string helpName, string description, int defaultValue, int max) => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => BenchArgumentParsers.ParseInt(result, 1, max),
    };
}
