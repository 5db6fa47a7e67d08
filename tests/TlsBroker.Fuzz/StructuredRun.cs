using System.Diagnostics;

namespace TlsBroker.Fuzz;

/// <summary>
/// A long in-process run of <see cref="StructuredMutator"/> over the corpus's seeds, without coverage feedback: each
/// failing input is written to the output folder, and a case running past the hang bound stops the run with its input saved.
/// </summary>
internal static class StructuredRun
{
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(1);

    public static int Run(TimeSpan duration, string outputFolder, int randomSeed, TextWriter output)
    {
        Directory.CreateDirectory(outputFolder);
        var seeds = Directory.EnumerateFiles(FuzzPolicy.CorpusDirectory, "seed-*").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var random = new Random(randomSeed);
        var started = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        long executions = 0;
        var failures = 0;
        var endings = new Dictionary<string, int>();
        byte[]? current = null;
        var caseStarted = Stopwatch.GetTimestamp();
        using var watchdog = new Timer(_ =>
        {
            if (current is { } input && Stopwatch.GetElapsedTime(Volatile.Read(ref caseStarted)) > HangBound)
            {
                File.WriteAllBytes(Path.Combine(outputFolder, $"hang-{executions}.bin"), input);
                output.WriteLine($"hang: a case ran past {HangBound.TotalSeconds} s after {executions} executions; input saved");
                Environment.Exit(3);
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        while (started.Elapsed < duration)
        {
            var input = StructuredMutator.Mutate(seeds[random.Next(seeds.Count)], random);
            Volatile.Write(ref caseStarted, Stopwatch.GetTimestamp());
            current = input;
            try
            {
                var outcome = EngineFuzzTarget.Run(input);
                var ending = outcome.Established is null ? $"{outcome.Ending.Alert?.Name ?? outcome.Ending.Error.ToString()}: {outcome.Ending.Reason}" : "handshake completed";
                endings[ending] = endings.GetValueOrDefault(ending) + 1;
            }
            catch (Exception e)
            {
                failures++;
                var file = Path.Combine(outputFolder, $"crash-{executions}.bin");
                File.WriteAllBytes(file, input);
                output.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
            }

            current = null;
            executions++;
            if (started.Elapsed - lastReport >= ReportEvery)
            {
                lastReport = started.Elapsed;
                output.WriteLine($"{started.Elapsed:hh\\:mm\\:ss} executions={executions} failures={failures}");
            }
        }

        output.WriteLine($"done: {started.Elapsed:hh\\:mm\\:ss} executions={executions} failures={failures} random-seed={randomSeed}");
        foreach (var (ending, count) in endings.OrderByDescending(pair => pair.Value).Take(25))
        {
            output.WriteLine($"{count,9}  {ending}");
        }

        return failures == 0 ? 0 : 1;
    }
}
