namespace TlsBroker.Core.Results;

/// <summary>What became of the state a session was given to resume (<see cref="Engine.SessionStart.Resumption"/>).</summary>
public enum OfferedResumption
{
    /// <summary>The server accepted it: an abbreviated handshake.</summary>
    Resumed,

    /// <summary>Offered in the ClientHello; the server chose a full handshake.</summary>
    DeclinedByServer,

    /// <summary>
    /// Not offered: the session's policy cannot carry it (a TLS 1.3 state when the policy offers TLS 1.2 only, a TLS 1.2 one
    /// when it offers TLS 1.3 only, or no offered suite of the PSK's hash, RFC 8446 §4.2.11).
    /// </summary>
    NotOfferable,

    /// <summary>Not offered: past its valid-until time, or of a protocol version this engine does not resume.</summary>
    Unusable,

    /// <summary>Not offered: the policy's pins or expected identities reject the chain it was made with.</summary>
    ChainRejected,
}
