namespace TlsBroker.Core.Results;

/// <summary>
/// The answer to one step of a session: the records to write to the socket, any decrypted
/// data, and an OpenSSL-style status (<c>SSL_connect(3)</c>, <c>SSL_get_error(3)</c>).
/// </summary>
/// <remarks>
/// <see cref="RecordsToSend"/> and <see cref="Plaintext"/> belong to the caller: the session never
/// writes to their memory again nor lends it to a pool, so the broker hands it to gRPC without a copy.
/// </remarks>
public sealed record StepResult
{
    /// <summary>Bytes to write to the socket, in order; may be empty.</summary>
    public ReadOnlyMemory<byte> RecordsToSend { get; init; }

    /// <summary>Decrypted application data, in order; may be empty.</summary>
    public ReadOnlyMemory<byte> Plaintext { get; init; }

    /// <summary>1 (or a byte count for reads and writes) on success, 0 on controlled shutdown, -1 otherwise.</summary>
    public required int Ret { get; init; }

    public required SslError Error { get; init; }

    public TlsAlert? Alert { get; init; }

    public VerifyOutcome Verify { get; init; } = VerifyOutcome.Ok;

    /// <summary>Human-readable reason for a failure; empty on success.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>Set on the step that completed the handshake.</summary>
    public HandshakeSummary? Established { get; init; }

    /// <summary>Set when the step changed something about resumption (<see cref="ResumptionOutcome"/>); null otherwise.</summary>
    public ResumptionOutcome? Resumption { get; init; }

    /// <summary>Set on the answer to a key export (<see cref="Engine.TlsClientSession.ExportKeys"/>) only.</summary>
    public Engine.ExportedKeys? Keys { get; init; }
}
