using System.Runtime.InteropServices;

namespace TlsBroker.Bench.Processes;

/// <summary>
/// Raises this process's soft limit on open files (RLIMIT_NOFILE) to its hard limit, as
/// <c>ulimit -n $(ulimit -Hn)</c> would, so that the idle phase can hold many TCP connections.
/// The children the bench starts afterwards (bench-server, the broker) inherit the raised limit
/// (setrlimit(2): "resource limits are preserved across execve"). Raising the hard limit needs
/// CAP_SYS_RESOURCE, which the bench does not ask for.
/// </summary>
internal static class OpenFileLimit
{
    /// <summary>RLIMIT_NOFILE on Linux (asm-generic/resource.h).</summary>
    private const int ResourceNoFile = 7;

    /// <summary>What was done, for the report's notes; null when there was nothing to do or not on Linux.</summary>
    public static string? RaiseToHardLimit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (GetLimit(ResourceNoFile, out var limit) != 0)
        {
            return $"open-file limit: getrlimit failed (errno {Marshal.GetLastPInvokeError()}); left as it is";
        }

        if (limit.Soft >= limit.Hard)
        {
            return $"open-file limit: {Describe(limit.Soft)} already at the hard limit";
        }

        var raised = limit with { Soft = limit.Hard };
        return SetLimit(ResourceNoFile, in raised) == 0
            ? $"open-file limit raised from {Describe(limit.Soft)} to the hard limit {Describe(limit.Hard)} for the bench and the processes it starts"
            : $"open-file limit: setrlimit to {Describe(limit.Hard)} failed (errno {Marshal.GetLastPInvokeError()}); still {Describe(limit.Soft)}";
    }

    private static string Describe(ulong value) => value == ulong.MaxValue ? "unlimited" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // DllImport rather than LibraryImport: the generated marshalling of LibraryImport needs unsafe code in this project.
    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetLimit(int resource, out ResourceLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetLimit(int resource, in ResourceLimit limit);

    /// <summary>struct rlimit: rlim_cur and rlim_max, each an unsigned 64-bit rlim_t on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private record struct ResourceLimit(ulong Soft, ulong Hard);
}
