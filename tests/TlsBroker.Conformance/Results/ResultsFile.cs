using System.Text.Json;

namespace TlsBroker.Conformance.Results;

/// <summary>
/// Reads the results file a conformance command appends to: one JSON object per line. A line that
/// is not such an object, or names no client or case, or an outcome other than pass/fail, becomes a
/// failed result saying so, so that a broken reporter can never look like a passing client.
/// </summary>
internal static class ResultsFile
{
    public static IReadOnlyList<CaseResult> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var results = new List<CaseResult>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                results.Add(Parse(line, $"{Path.GetFileName(path)}:{lineNumber}"));
            }
        }

        return results;
    }

    private static CaseResult Parse(string line, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unreadable(where, "not a JSON object");
            }

            var client = Text(root, "client");
            var @case = Text(root, "case");
            var outcome = Text(root, "outcome");
            var detail = Text(root, "detail");
            if (string.IsNullOrEmpty(client) || string.IsNullOrEmpty(@case))
            {
                return Unreadable(where, "\"client\" or \"case\" is missing");
            }

            return outcome is CaseResult.Pass or CaseResult.Fail
                ? new CaseResult(client, @case, outcome, detail)
                : new CaseResult(client, @case, CaseResult.Fail, $"{where}: outcome '{outcome}' is neither pass nor fail. {detail}".Trim());
        }
        catch (JsonException e)
        {
            return Unreadable(where, e.Message);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static CaseResult Unreadable(string where, string why) => new("?", "unreadable result line", CaseResult.Fail, $"{where}: {why}");
}
