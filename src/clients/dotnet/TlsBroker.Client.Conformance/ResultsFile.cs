using System.Text.Json;

namespace TlsBroker.Client.Conformance;

/// <summary>Appends one JSON line per case to $TLSBROKER_CONFORMANCE_RESULTS, as the conformance README asks.</summary>
internal sealed class ResultsFile(string? path)
{
    public async Task AppendAsync(string caseId, bool passed, string detail)
    {
        if (path is null)
        {
            return;
        }

        var line = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["client"] = "dotnet",
            ["case"] = caseId,
            ["outcome"] = passed ? "pass" : "fail",
            ["detail"] = detail,
        });
        await File.AppendAllTextAsync(path, line + "\n");
    }
}
