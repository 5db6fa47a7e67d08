using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace TlsBroker.Fuzz;

/// <summary>
/// Runs fuzz cases once each (a corpus, afl-fuzz's crashes) and prints how each ended or which invariant it broke,
/// with the exceptions thrown on the way (BouncyCastle turns most into an alert, which hides where a failure began).
/// </summary>
internal static class CorpusReplay
{
    public static int Run(IEnumerable<string> paths, TextWriter output)
    {
        var thrown = new List<Exception>();
        void Note(object? sender, FirstChanceExceptionEventArgs e) => thrown.Add(e.Exception);
        AppDomain.CurrentDomain.FirstChanceException += Note;
        var failures = 0;
        foreach (var file in paths.SelectMany(Expand))
        {
            thrown.Clear();
            try
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = EngineFuzzTarget.Run(File.ReadAllBytes(file));
                output.WriteLine($"{file}: {outcome} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
            }
            catch (Exception e)
            {
                failures++;
                output.WriteLine($"{file}: FAILED {e.GetType().Name}: {e.Message}");
                foreach (var cause in thrown.Where(cause => cause != e))
                {
                    output.WriteLine($"  thrown: {cause.GetType().FullName}: {cause.Message}");
                    output.WriteLine(cause.StackTrace);
                }
            }
        }

        AppDomain.CurrentDomain.FirstChanceException -= Note;
        output.WriteLine($"{failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal)).Order(StringComparer.Ordinal) : [path];
}
