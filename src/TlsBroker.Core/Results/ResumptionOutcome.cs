using TlsBroker.Core.Resumption;

namespace TlsBroker.Core.Results;

/// <summary>What one step changed about resumption: set on a <see cref="StepResult"/> only when something did.</summary>
public sealed record ResumptionOutcome
{
    /// <summary>
    /// A state a later session (same policy and server name) can resume, new or changed in this step: after a full TLS 1.2
    /// handshake that gave a ticket or session ID, after a resumed one, and with every TLS 1.3 NewSessionTicket, which the
    /// server sends after the handshake (RFC 8446 §4.6.1). The caller keeps (or seals) the latest one; null when this step
    /// changed none.
    /// </summary>
    public ResumptionState? Resumable { get; init; }

    /// <summary>On the step that completed a handshake that was given a state to resume: resumed, or why not. Null otherwise.</summary>
    public OfferedResumption? Offered { get; init; }
}
