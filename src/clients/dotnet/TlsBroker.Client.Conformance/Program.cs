using TlsBroker.Client.Conformance;
using TlsBroker.Client.Conformance.Environment;

// Runs the cases named on the command line (all when none), appends one result line per case to
// $TLSBROKER_CONFORMANCE_RESULTS, and exits 1 if any case failed, 2 without an environment.
var environmentPath = Environment.GetEnvironmentVariable("TLSBROKER_CONFORMANCE");
if (string.IsNullOrEmpty(environmentPath))
{
    await Console.Error.WriteLineAsync("TLSBROKER_CONFORMANCE is not set: run this under the conformance host (src/clients/dotnet/run-conformance)");
    return 2;
}

var results = new ResultsFile(Environment.GetEnvironmentVariable("TLSBROKER_CONFORMANCE_RESULTS"));
using var context = new CaseContext(ConformanceEnvironment.Load(environmentPath));
var failed = 0;
foreach (var (id, run) in DotNetCases.Select(args))
{
    using var limit = new CancellationTokenSource(DotNetCases.TimeLimit);
    string detail;
    bool passed;
    try
    {
        detail = await run(context, limit.Token).WaitAsync(DotNetCases.TimeLimit);
        passed = true;
    }
    catch (Exception e)
    {
        detail = e is CaseFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        passed = false;
        failed++;
    }

    await results.AppendAsync(id, passed, detail);
    Console.WriteLine($"{(passed ? "pass" : "FAIL")} {id}: {detail}");
}

return failed == 0 ? 0 : 1;
