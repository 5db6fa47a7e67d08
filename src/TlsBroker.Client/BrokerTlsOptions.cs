namespace TlsBroker.Client;

/// <summary>What to ask of the broker for one TLS session, and how long to wait for it.</summary>
public sealed class BrokerTlsOptions
{
    /// <summary>
    /// DNS name or IP literal of the server. A DNS name is sent as SNI and checked against the
    /// certificate's DNS names; an IP literal is checked against its IP addresses.
    /// </summary>
    public required string ServerName { get; init; }

    /// <summary>Name of a policy configured in the broker; empty selects the broker's "default".</summary>
    public string Policy { get; init; } = string.Empty;

    /// <summary>ALPN protocols to offer, most preferred first; empty offers none.</summary>
    public IReadOnlyList<string> Alpn { get; init; } = [];

    /// <summary>
    /// Limit for the whole handshake and for each later exchange with the broker (one write,
    /// one received chunk, the shutdown). Waiting for the server to send data is bounded only by
    /// the caller's <see cref="CancellationToken"/>, as on any network stream. Default 30 s.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A <see cref="BrokerTlsStream.ResumptionToken"/> from an earlier session with the same policy and
    /// server name, to resume that session (TLS 1.2 or 1.3); <see cref="BrokerTlsSessionInfo.Resumed"/> says
    /// whether it was. A token the broker cannot use just gives a full handshake. Default: none.
    /// </summary>
    public ReadOnlyMemory<byte> ResumptionToken { get; init; }

    /// <summary>When true, disposing the TLS stream leaves the transport stream open. Default false.</summary>
    public bool LeaveTransportOpen { get; init; }
}
