using System.Globalization;
using System.Text.RegularExpressions;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>One scrape of a broker's /metrics (Prometheus text format 0.0.4), read the way Prometheus reads it.</summary>
internal sealed partial class MetricsScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];

    private MetricsScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (SampleLine().Match(line) is not { Success: true } sample)
            {
                continue;
            }

            var labels = LabelPair().Matches(sample.Groups["labels"].Value)
                .ToDictionary(pair => pair.Groups["key"].Value, pair => pair.Groups["value"].Value, StringComparer.Ordinal);
            samples.Add((sample.Groups["name"].Value, labels, double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>The exposition as served.</summary>
    public string Text { get; }

    /// <summary>GETs /metrics over HTTP/1.1, as Prometheus does, and checks the content type.</summary>
    public static async Task<MetricsScrape> GetAsync(Uri adminAddress)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(adminAddress, "/metrics")).WaitAsync(TestTimeouts.Step);
        response.EnsureSuccessStatusCode();
        Assert.Equal(new Version(1, 1), response.Version);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new MetricsScrape(await response.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Step));
    }

    /// <summary>Whether any sample of <paramref name="name"/> was exposed.</summary>
    public bool Has(string name) => samples.Exists(sample => sample.Name == name);

    /// <summary>The sum of the samples of <paramref name="name"/> carrying every given label (0 when there is none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        samples.Where(sample => sample.Name == name && labels.All(label => sample.Labels.GetValueOrDefault(label.Key) == label.Value))
            .Sum(sample => sample.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
