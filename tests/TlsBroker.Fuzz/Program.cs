using SharpFuzz;
using TlsBroker.Fuzz;

// tests/fuzz/README.md: no arguments runs under afl-fuzz; "replay" runs files or folders once; "record" makes a seed;
// "structured" runs structure-aware mutations of the seeds in this process.
return args switch
{
    [] => RunUnderAfl(),
    ["replay", .. var paths] when paths.Length > 0 => CorpusReplay.Run(paths, Console.Out),
    ["record", var host, var port, var output] when int.TryParse(port, out var portNumber) => SeedRecorder.Record(host, portNumber, output, Console.Out),
    ["structured", var seconds, var output, var seed] when int.TryParse(seconds, out var s) && int.TryParse(seed, out var r) =>
        StructuredRun.Run(TimeSpan.FromSeconds(s), output, r, Console.Out),
    _ => Usage(),
};

static int RunUnderAfl()
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        EngineFuzzTarget.Run(copy.GetBuffer().AsSpan(0, (int)copy.Length));
    });
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: TlsBroker.Fuzz                          run one afl-fuzz target process (afl-fuzz starts it)");
    Console.Error.WriteLine("       TlsBroker.Fuzz replay PATH...            run files, or every file in folders, and print each outcome");
    Console.Error.WriteLine("       TlsBroker.Fuzz record HOST PORT FILE     record a server's flight as a seed (tests/fuzz/README.md)");
    Console.Error.WriteLine("       TlsBroker.Fuzz structured SECONDS DIR N  structure-aware mutations of the seeds (random seed N), failures saved in DIR");
    return 2;
}
