using System.Runtime.InteropServices;

namespace TlsBroker.Bench.Report;

/// <summary>The machine a bench ran on (JSON: "machine").</summary>
internal sealed record MachineInfo
{
    private const string KernelRelease = "/proc/sys/kernel/osrelease";

    public required int ProcessorCount { get; init; }

    public required string CpuModel { get; init; }

    public required long? MemoryBytes { get; init; }

    public required string Os { get; init; }

    public required string Dotnet { get; init; }

    public static MachineInfo Current() => new()
    {
        ProcessorCount = Environment.ProcessorCount,
        CpuModel = ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        MemoryBytes = ParseKilobytes(ProcField("/proc/meminfo", "MemTotal")),
        Os = File.Exists(KernelRelease)
            ? $"{RuntimeInformation.OSDescription}, Linux {File.ReadAllText(KernelRelease).Trim()}"
            : RuntimeInformation.OSDescription,
        Dotnet = RuntimeInformation.FrameworkDescription,
    };

    /// <summary>The value of the first "KEY: value" line of a proc(5) file, or null.</summary>
    private static string? ProcField(string file, string key)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    /// <summary>proc(5) meminfo values read "24546360 kB".</summary>
    private static long? ParseKilobytes(string? text) =>
        text is not null && long.TryParse(text.Split(' ')[0], out var kilobytes) ? kilobytes * 1024 : null;
}
