using System.Runtime.ExceptionServices;
using TlsBroker.Client;

namespace TlsBroker.Cli.Connect;

/// <summary>
/// The data phase of <c>tlsbroker connect</c>, as <c>openssl s_client -quiet -ign_eof</c>: stdin
/// goes to the server as application data, the server's data goes to stdout, and the end of
/// stdin does not end the session: the server does. Once stdin has ended, a server that stays
/// silent for the whole timeout ends the run with a <see cref="TimeoutException"/>.
/// </summary>
internal sealed class Relay
{
    private const int ChunkSize = 16 * 1024;

    private readonly BrokerTlsStream tls;
    private readonly ConsoleStreams console;
    private readonly TimeSpan timeout;
    // Not disposed: an upload still blocked on stdin when the session ends may restart it later.
    private readonly CancellationTokenSource quiet = new();
    private int stdinEnded;

    public Relay(BrokerTlsStream tls, ConsoleStreams console, TimeSpan timeout)
    {
        this.tls = tls;
        this.console = console;
        this.timeout = timeout;
    }

    /// <summary>Relays until the server ends the session, and returns how it ended.</summary>
    public async Task<BrokerTlsResult> RunAsync(CancellationToken cancellationToken)
    {
        using var downloadCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, quiet.Token);
        var download = DownloadAsync(downloadCancellation.Token, cancellationToken);
        var upload = UploadAsync(cancellationToken);
        if (await Task.WhenAny(download, upload) == upload && upload.IsFaulted)
        {
            // Stdin or a write failed: stop waiting for the server. If the session ended meanwhile,
            // that end is the outcome; otherwise the upload's failure is.
            await downloadCancellation.CancelAsync();
            await ((Task)download).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (tls.SessionEnd is { } end)
            {
                return end;
            }

            ExceptionDispatchInfo.Throw(upload.Exception.InnerException ?? upload.Exception);
        }

        try
        {
            await download;
        }
        catch (BrokerTlsException e)
        {
            return e.Result;
        }

        return tls.SessionEnd ?? throw new InvalidOperationException("the TLS stream ended without recording how");
    }

    private async Task DownloadAsync(CancellationToken readCancellation, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        try
        {
            int count;
            while ((count = await tls.ReadAsync(buffer, readCancellation)) > 0)
            {
                await console.Output.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
                await console.Output.FlushAsync(cancellationToken);
                RestartQuietTimerIfStdinEnded();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Cancelled } && quiet.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the server sent nothing for {timeout.TotalSeconds:0.###} s after stdin ended, and did not close the session", e);
        }
    }

    private async Task UploadAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        int count;
        while ((count = await console.Input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await tls.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
        }

        Volatile.Write(ref stdinEnded, 1);
        RestartQuietTimerIfStdinEnded();
    }

    private void RestartQuietTimerIfStdinEnded()
    {
        if (Volatile.Read(ref stdinEnded) == 1)
        {
            quiet.CancelAfter(timeout);
        }
    }
}
