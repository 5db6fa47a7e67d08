namespace TlsBroker.Conformance.Results;

/// <summary>One line of the results file: <c>{"client": "python", "case": "handshake_verified", "outcome": "pass"}</c>.</summary>
internal sealed record CaseResult(string Client, string Case, string Outcome, string? Detail)
{
    public const string Pass = "pass";

    public const string Fail = "fail";

    public bool Passed => Outcome == Pass;
}
