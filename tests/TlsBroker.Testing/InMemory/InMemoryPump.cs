using System.Diagnostics;
using Org.BouncyCastle.Tls;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;

namespace TlsBroker.Testing.InMemory;

/// <summary>
/// A <see cref="TlsClientSession"/> wired to BouncyCastle's non-blocking TlsServerProtocol in
/// memory. What the server sends reaches the session in pieces of <see cref="FragmentSize"/>
/// bytes (0: whole), so a record may span any number of Receive calls.
/// </summary>
public sealed class InMemoryPump
{
    private readonly Queue<byte> toClient = new();

    public InMemoryPump(TlsClientSession session, InMemoryTlsServer server, int fragmentSize)
    {
        Session = session;
        Server = server;
        FragmentSize = fragmentSize;
        ServerProtocol.Accept(server);
    }

    public TlsClientSession Session { get; }

    public InMemoryTlsServer Server { get; }

    public TlsServerProtocol ServerProtocol { get; } = new();

    public int FragmentSize { get; }

    public int ReceiveCalls { get; private set; }

    /// <summary>Wall-clock time spent inside the session's Start and Receive calls (the client side of the handshake).</summary>
    public TimeSpan ClientTime { get; private set; }

    /// <summary>The alert the server raised when our records made it fail, if any.</summary>
    public short? ServerFailure { get; private set; }

    public StepResult Handshake(SessionStart start)
    {
        var result = Forward(TimeClient(() => Session.Start(start)));
        while (result is { Ret: -1, Error: SslError.WantRead } && ServerOutputPending())
        {
            result = DeliverToClient();
        }

        return result;
    }

    /// <summary>Hands everything the server has written so far to the session, stopping at the first result that is not WANT_READ.</summary>
    public StepResult DeliverToClient(bool endOfStream = false)
    {
        Drain();
        StepResult? result = null;
        do
        {
            var take = FragmentSize == 0 ? toClient.Count : Math.Min(FragmentSize, toClient.Count);
            var piece = new byte[take];
            for (var i = 0; i < take; i++)
            {
                piece[i] = toClient.Dequeue();
            }

            ReceiveCalls++;
            var last = endOfStream && toClient.Count == 0;
            result = Forward(TimeClient(() => Session.Receive(piece, last)));
        }
        while (toClient.Count > 0 && result is { Ret: -1, Error: SslError.WantRead });

        return result;
    }

    public byte[] ServerRead()
    {
        var buffer = new byte[ServerProtocol.GetAvailableInputBytes()];
        ServerProtocol.ReadInput(buffer, 0, buffer.Length);
        return buffer;
    }

    public StepResult Forward(StepResult result)
    {
        if (!result.RecordsToSend.IsEmpty && !ServerProtocol.IsClosed)
        {
            try
            {
                ServerProtocol.OfferInput(result.RecordsToSend.ToArray());
            }
            catch (TlsFatalAlert e)
            {
                ServerFailure = e.AlertDescription;
            }
            catch (TlsFatalAlertReceived)
            {
                // The client's fatal alert ended the server too; InMemoryTlsServer.AlertReceived has it.
            }
        }

        return result;
    }

    private StepResult TimeClient(Func<StepResult> call)
    {
        var started = Stopwatch.GetTimestamp();
        var result = call();
        ClientTime += Stopwatch.GetElapsedTime(started);
        return result;
    }

    private bool ServerOutputPending()
    {
        Drain();
        return toClient.Count > 0;
    }

    private void Drain()
    {
        var output = new byte[ServerProtocol.GetAvailableOutputBytes()];
        ServerProtocol.ReadOutput(output, 0, output.Length);
        foreach (var b in output)
        {
            toClient.Enqueue(b);
        }
    }
}
