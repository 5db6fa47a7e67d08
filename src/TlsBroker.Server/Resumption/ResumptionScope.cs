namespace TlsBroker.Server.Resumption;

/// <summary>
/// Who may resume a session: a token opens only for the same caller, policy and server name it
/// was sealed for, so one caller never resumes another's session.
/// </summary>
/// <param name="Caller">The authenticated caller's configured name ("anonymous" when no callers are configured).</param>
/// <param name="Policy">The policy name the session was established under.</param>
/// <param name="ServerName">The server name the chain was verified against.</param>
internal sealed record ResumptionScope(string Caller, string Policy, string ServerName);
