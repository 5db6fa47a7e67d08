namespace TlsBroker.Cli.Bench.Server;

/// <summary>Everything <c>tlsbroker bench-server</c> was asked to do.</summary>
internal sealed record BenchServerSettings
{
    /// <summary>0 takes a free port.</summary>
    public int Port { get; init; }

    /// <summary>Where to write the root certificate as PEM; null prints it on stdout.</summary>
    public FileInfo? RootOut { get; init; }

    public bool ExitOnStdinEof { get; init; }
}
