namespace TlsBroker.Server.Service;

/// <summary>
/// A call's two timeouts, one for its reads and one for its response writes, and the one registration on each
/// token of <see cref="CallCancellation"/> that stops both: an idle session holds two callback nodes for them, not four.
/// </summary>
internal sealed class CallTimeouts : IDisposable
{
    private readonly (CancellationTokenRegistration Call, CancellationTokenRegistration Drain) registrations;

    public CallTimeouts(TimeProvider timeProvider, CallCancellation cancellation)
    {
        Reads = new ReadTimeout(timeProvider, cancellation);
        Writes = new ReadTimeout(timeProvider, cancellation);

        // Registered once both exist: a token cancelled already runs the callback here, and it stops both.
        registrations = cancellation.Register(static state => ((CallTimeouts)state!).StopBoth(), this);
    }

    public ReadTimeout Reads { get; }

    public ReadTimeout Writes { get; }

    public void Dispose()
    {
        registrations.Call.Dispose();
        registrations.Drain.Dispose();
        Reads.Dispose();
        Writes.Dispose();
    }

    private void StopBoth()
    {
        Reads.Stop();
        Writes.Stop();
    }
}
