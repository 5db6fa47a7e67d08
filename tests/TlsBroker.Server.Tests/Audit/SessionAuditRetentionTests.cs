using System.Runtime.CompilerServices;
using TlsBroker.Core.Results;
using TlsBroker.Server.Audit;

namespace TlsBroker.Server.Tests.Audit;

/// <summary>Unit tests (no process, no network): what a session's audit keeps of the results it saw while the session lives.</summary>
[Trait("Category", "Unit")]
public sealed class SessionAuditRetentionTests
{
    [Fact]
    public void Answered_ResultCarryingData_KeepsNeitherItsPlaintextNorItsRecords()
    {
        var audit = new SessionAudit(TimeProvider.System);

        var (plaintext, records) = AnswerWithData(audit, ret: 16_384);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(plaintext.IsAlive, "the audit still holds the last answer's plaintext");
        Assert.False(records.IsAlive, "the audit still holds the last answer's records");
        var record = audit.Complete("caller", "session", session: null);
        Assert.Equal((16_384, "SSL_ERROR_NONE"), (record.Ret, record.SslError));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Plaintext, WeakReference Records) AnswerWithData(SessionAudit audit, int ret)
    {
        var plaintext = new byte[ret];
        var records = new byte[ret + 22];
        audit.Answered(new StepResult { Ret = ret, Error = SslError.None, Plaintext = plaintext, RecordsToSend = records });
        return (new WeakReference(plaintext), new WeakReference(records));
    }
}
