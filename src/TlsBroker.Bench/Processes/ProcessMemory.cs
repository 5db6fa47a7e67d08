using System.Globalization;

namespace TlsBroker.Bench.Processes;

/// <summary>Memory and descriptor figures of Linux processes, read from /proc (proc(5)).</summary>
internal static class ProcessMemory
{
    /// <summary>The resident set size (VmRSS in /proc/PID/status) in bytes; null when it cannot be read (not Linux, process gone).</summary>
    public static long? ResidentBytes(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return null;
        }

        try
        {
            // proc(5): "VmRSS:    12345 kB".
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kilobytes = line?["VmRSS:".Length..].Trim().Split(' ')[0];
            return long.TryParse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value * 1024 : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>This process's soft limit on open files (RLIMIT_NOFILE, "Max open files" in /proc/self/limits), inherited by its children.</summary>
    public static long? OpenFileLimit()
    {
        const string limits = "/proc/self/limits";
        if (!File.Exists(limits))
        {
            return null;
        }

        var line = File.ReadLines(limits).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?["Max open files".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return soft == "unlimited" ? long.MaxValue
            : long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>How many files this process has open now (entries of /proc/self/fd).</summary>
    public static int? OpenFiles() => Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : null;
}
