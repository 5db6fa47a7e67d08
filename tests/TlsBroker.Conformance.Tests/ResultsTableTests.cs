using TlsBroker.Conformance.Results;

namespace TlsBroker.Conformance.Tests;

[Trait("Category", "Unit")]
public sealed class ResultsTableTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tlsbroker-conformance-results-").FullName;

    [Fact]
    public void ToMarkdown_CaseReportedPassThenFail_ShowsFailAndNotRunForTheRest()
    {
        var table = new ResultsTable(
        [
            new CaseResult("go", "resumption", CaseResult.Pass, null),
            new CaseResult("go", "resumption", CaseResult.Fail, "second run"),
            new CaseResult("python", "resumption", CaseResult.Pass, null),
        ]);

        var markdown = table.ToMarkdown(["python", "node", "go"]);

        Assert.Contains("| case | python | node | go |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `resumption` | pass | not run | **FAIL** |", markdown, StringComparison.Ordinal);
        Assert.Equal(ConformanceCases.All.Count + 2, markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal((1, 1), (table.Passed, table.Failed));
    }

    [Fact]
    public void Read_LinesThatAreNotResults_EachCountsAsAFailure()
    {
        var path = Path.Combine(folder, "results.jsonl");
        File.WriteAllLines(path,
        [
            """{"client": "node", "case": "close_notify", "outcome": "pass"}""",
            "not json",
            """{"client": "node", "case": "https_fetch", "outcome": "skipped"}""",
            """{"case": "roundtrip_16m", "outcome": "pass"}""",
            string.Empty,
        ]);

        var results = ResultsFile.Read(path);

        Assert.Equal([true, false, false, false], results.Select(result => result.Passed));
        Assert.Contains("results.jsonl:2", results[1].Detail, StringComparison.Ordinal);
        Assert.Contains("neither pass nor fail", results[2].Detail, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
