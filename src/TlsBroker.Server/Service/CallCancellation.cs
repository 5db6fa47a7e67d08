namespace TlsBroker.Server.Service;

/// <summary>
/// What cancels a Connect call from outside: the caller cancelling or vanishing (the call's token), or the broker's
/// drain time running out. Two tokens read side by side rather than one linked source, which would cost each call a
/// source, its registration list and a callback node on each token, and each of the call's timeouts a node on the source.
/// </summary>
internal readonly struct CallCancellation(CancellationToken callCancelled, CancellationToken drainExpired)
{
    public bool IsCancellationRequested => callCancelled.IsCancellationRequested || drainExpired.IsCancellationRequested;

    /// <summary>Runs <paramref name="callback"/> when either token is cancelled (once for each that is).</summary>
    public (CancellationTokenRegistration Call, CancellationTokenRegistration Drain) Register(Action<object?> callback, object state) =>
        (callCancelled.UnsafeRegister(callback, state), drainExpired.UnsafeRegister(callback, state));
}
