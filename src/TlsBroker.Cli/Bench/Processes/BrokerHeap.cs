using System.Globalization;

namespace TlsBroker.Cli.Bench.Processes;

/// <summary>
/// The broker's managed heap as its admin port publishes it: the sum over generations of
/// <c>dotnet_gc_last_collection_heap_size_bytes</c> (.NET's System.Runtime meter, in Prometheus text
/// format), that is, the heap as the broker's most recent garbage collection left it.
/// </summary>
internal static class BrokerHeap
{
    private const string HeapSizeMetric = "dotnet_gc_last_collection_heap_size_bytes";

    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(10);

    /// <returns>Bytes, or null when the scrape fails or the broker publishes no heap size.</returns>
    public static async Task<long?> ManagedBytesAsync(Uri adminAddress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = ScrapeTimeout };
        string text;
        try
        {
            text = await http.GetStringAsync(new Uri(adminAddress, "/metrics"), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        double? total = null;
        foreach (var line in text.Split('\n'))
        {
            // A sample line: NAME{LABELS} VALUE; the name ends at '{' or ' '.
            if (line.StartsWith(HeapSizeMetric, StringComparison.Ordinal) && line.Length > HeapSizeMetric.Length
                && line[HeapSizeMetric.Length] is '{' or ' '
                && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                total = (total ?? 0) + value;
            }
        }

        return total is { } sum ? (long)sum : null;
    }
}
