namespace TlsBroker.Client.Conformance;

/// <summary>Every case of tests/conformance/README.md, by id, in its order.</summary>
internal static class DotNetCases
{
    /// <summary>The longest a case may take (the 16 MiB round trip is the slowest).</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(120);

    private static readonly (string Id, Func<CaseContext, CancellationToken, Task<string>> Run)[] All =
    [
        ("handshake_verified", HandshakeCases.HandshakeVerifiedAsync),
        ("verify_failure", HandshakeCases.VerifyFailureAsync),
        ("server_alert", HandshakeCases.ServerAlertAsync),
        ("unknown_policy", HandshakeCases.UnknownPolicyAsync),
        ("close_notify", SessionCases.CloseNotifyAsync),
        ("no_close_notify", SessionCases.NoCloseNotifyAsync),
        ("client_closes_first", SessionCases.ClientClosesFirstAsync),
        ("roundtrip_16m", SessionCases.RoundTrip16MAsync),
        ("deadline_silent_server", HandshakeCases.DeadlineSilentServerAsync),
        ("broker_stopped", SessionCases.BrokerStoppedAsync),
        ("broker_unreachable", HandshakeCases.BrokerUnreachableAsync),
        ("resumption", HandshakeCases.ResumptionAsync),
        ("https_fetch", SessionCases.HttpsFetchAsync),
    ];

    /// <summary>The cases named in <paramref name="ids"/>, or all of them; an unknown id is an error.</summary>
    public static IEnumerable<(string Id, Func<CaseContext, CancellationToken, Task<string>> Run)> Select(string[] ids)
    {
        foreach (var id in ids)
        {
            if (!All.Any(c => c.Id == id))
            {
                throw new ArgumentException($"unknown case {id}; the cases are {string.Join(", ", All.Select(c => c.Id))}");
            }
        }

        return ids.Length == 0 ? All : All.Where(c => ids.Contains(c.Id));
    }
}
