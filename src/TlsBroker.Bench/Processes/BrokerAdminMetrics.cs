using System.Globalization;
using TlsBroker.Bench.Warmup;

namespace TlsBroker.Bench.Processes;

/// <summary>
/// Figures of .NET's System.Runtime meter as the broker's admin port publishes them (/metrics,
/// Prometheus text format).
/// </summary>
internal static class BrokerAdminMetrics
{
    // Summed over generations: the heap as the broker's most recent garbage collection left it.
    private const string HeapSizeMetric = "dotnet_gc_last_collection_heap_size_bytes";

    private const string JitTimeMetric = "dotnet_jit_compilation_time_seconds_total";

    private const string JitMethodsMetric = "dotnet_jit_compiled_methods_total";

    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(10);

    /// <returns>Bytes, or null when the scrape fails or the broker publishes no heap size.</returns>
    public static async Task<long?> ManagedHeapBytesAsync(Uri adminAddress, CancellationToken cancellationToken) =>
        await SumAsync(adminAddress, HeapSizeMetric, cancellationToken) is { } bytes ? (long)bytes : null;

    /// <returns>Time the broker's JIT has spent compiling since it started, or null when the scrape fails.</returns>
    public static async Task<TimeSpan?> JitTimeAsync(Uri adminAddress, CancellationToken cancellationToken) =>
        (await JitCountersAsync(adminAddress, cancellationToken))?.CompilationTime;

    /// <returns>The broker's JIT counters (dotnet.jit.compiled_methods, dotnet.jit.compilation.time), or null when the scrape fails or lacks them.</returns>
    public static async Task<JitCounters?> JitCountersAsync(Uri adminAddress, CancellationToken cancellationToken) =>
        await ScrapeAsync(adminAddress, cancellationToken) is { } text
            && Sum(text, JitMethodsMetric) is { } methods && Sum(text, JitTimeMetric) is { } seconds
            ? new JitCounters((long)methods, TimeSpan.FromSeconds(seconds))
            : null;

    private static async Task<double?> SumAsync(Uri adminAddress, string metric, CancellationToken cancellationToken) =>
        await ScrapeAsync(adminAddress, cancellationToken) is { } text ? Sum(text, metric) : null;

    private static async Task<string?> ScrapeAsync(Uri adminAddress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = ScrapeTimeout };
        try
        {
            return await http.GetStringAsync(new Uri(adminAddress, "/metrics"), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The sum of a metric's samples over all their label sets, in Prometheus text exposition format.</summary>
    private static double? Sum(string text, string metric)
    {
        double? total = null;
        foreach (var line in text.Split('\n'))
        {
            // A sample line: NAME{LABELS} VALUE; the name ends at '{' or ' '.
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length
                && line[metric.Length] is '{' or ' '
                && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                total = (total ?? 0) + value;
            }
        }

        return total;
    }
}
