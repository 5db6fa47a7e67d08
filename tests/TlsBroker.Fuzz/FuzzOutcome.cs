using TlsBroker.Core.Results;

namespace TlsBroker.Fuzz;

/// <summary>How one fuzz case ended: whether the handshake completed, the result that ended the session, and the bytes allocated.</summary>
internal sealed record FuzzOutcome(HandshakeSummary? Established, StepResult Ending, int PlaintextBytes, long AllocatedBytes)
{
    public override string ToString() =>
        $"established={Established?.ProtocolVersion ?? "no"} cipher={Established?.CipherSuite ?? "-"} plaintext={PlaintextBytes} "
        + $"ending: ret={Ending.Ret} error={Ending.Error} alert={Ending.Alert?.Name ?? "-"}({Ending.Alert?.Description.ToString() ?? "-"}) "
        + $"verify={(int)Ending.Verify.Code} reason=\"{Ending.Reason}\" allocated={AllocatedBytes}";
}
