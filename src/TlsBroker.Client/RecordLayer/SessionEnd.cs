namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// How an exported session ended (close_notify, EOF, a fatal alert or a record that failed), shared by its reader and
/// its writer: whichever sees the end first sets it, and later ends are dropped.
/// </summary>
internal sealed class SessionEnd
{
    private BrokerTlsResult? result;

    /// <summary>Null while the session is open.</summary>
    public BrokerTlsResult? Result => Volatile.Read(ref result);

    public void Finish(BrokerTlsResult ended) => Interlocked.CompareExchange(ref result, ended, null);
}
