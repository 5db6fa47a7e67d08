using System.Text;

namespace TlsBroker.Conformance.Results;

/// <summary>
/// Results as tables: per client and case the outcome (a case reported more than once passes only
/// if every report passed), a known case that a client did not report is "not run".
/// </summary>
internal sealed class ResultsTable
{
    private const string NotRun = "not run";

    private readonly Dictionary<(string Client, string Case), CaseResult> outcomes = [];

    public ResultsTable(IEnumerable<CaseResult> results)
    {
        foreach (var result in results)
        {
            var key = (result.Client, result.Case);
            if (!outcomes.TryGetValue(key, out var earlier) || earlier.Passed)
            {
                outcomes[key] = result;
            }
        }

        Clients = [.. outcomes.Keys.Select(key => key.Client).Distinct().OrderBy(ClientRank).ThenBy(client => client, StringComparer.Ordinal)];
        Cases = [.. ConformanceCases.All, .. outcomes.Keys.Select(key => key.Case).Distinct().Except(ConformanceCases.All).Order(StringComparer.Ordinal)];
    }

    /// <summary>The clients that reported anything, issue 11's four first.</summary>
    public IReadOnlyList<string> Clients { get; }

    /// <summary>README's cases in its order, then any other case a client reported.</summary>
    public IReadOnlyList<string> Cases { get; }

    public int Passed => outcomes.Values.Count(result => result.Passed);

    public int Failed => outcomes.Values.Count(result => !result.Passed);

    /// <summary>One line per client and case (reported, or a README case not run), then "conformance: N passed, N failed".</summary>
    public string ToText()
    {
        var rows = new List<(string Client, string Case, string Outcome, string Detail)>();
        foreach (var client in Clients)
        {
            foreach (var @case in Cases)
            {
                if (outcomes.TryGetValue((client, @case), out var result))
                {
                    rows.Add((client, @case, result.Passed ? "pass" : "FAIL", result.Detail ?? string.Empty));
                }
                else if (ConformanceCases.All.Contains(@case))
                {
                    rows.Add((client, @case, NotRun, string.Empty));
                }
            }
        }

        var text = new StringBuilder();
        if (rows.Count == 0)
        {
            text.AppendLine("no results were reported");
        }
        else
        {
            var clientWidth = Math.Max("client".Length, rows.Max(row => row.Client.Length));
            var caseWidth = Math.Max("case".Length, rows.Max(row => row.Case.Length));
            text.AppendLine($"{"client".PadRight(clientWidth)}  {"case".PadRight(caseWidth)}  outcome");
            foreach (var row in rows)
            {
                var line = $"{row.Client.PadRight(clientWidth)}  {row.Case.PadRight(caseWidth)}  {row.Outcome.PadRight(7)}  {OneLine(row.Detail)}";
                text.AppendLine(line.TrimEnd());
            }
        }

        var notRun = rows.Count(row => row.Outcome == NotRun);
        text.AppendLine($"conformance: {Passed} passed, {Failed} failed{(notRun > 0 ? $" ({notRun} not run)" : string.Empty)}");
        return text.ToString();
    }

    /// <summary>A markdown table, README's cases down and <paramref name="columns"/> (or every client that reported) across.</summary>
    public string ToMarkdown(IReadOnlyList<string>? columns = null)
    {
        var clients = columns is { Count: > 0 } ? columns : Clients;
        var text = new StringBuilder();
        text.AppendLine($"| case | {string.Join(" | ", clients)} |");
        text.AppendLine($"|---|{string.Concat(clients.Select(_ => "---|"))}");
        foreach (var @case in Cases)
        {
            var cells = clients.Select(client => outcomes.TryGetValue((client, @case), out var result)
                ? (result.Passed ? "pass" : "**FAIL**")
                : NotRun);
            text.AppendLine($"| `{@case}` | {string.Join(" | ", cells)} |");
        }

        return text.ToString();
    }

    private static int ClientRank(string client)
    {
        var rank = ConformanceCases.KnownClients.ToList().IndexOf(client);
        return rank < 0 ? int.MaxValue : rank;
    }

    private static string OneLine(string detail) => detail.ReplaceLineEndings(" ");
}
