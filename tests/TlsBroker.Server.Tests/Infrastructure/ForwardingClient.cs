using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// The caller of DESIGN.md's lockstep loop, over a real TCP socket to a real peer: it forwards
/// what the peer sends as Received messages (cut into <c>fragmentSize</c>-byte pieces when asked,
/// down to one byte each) and writes every records_to_send to the socket. While it waits on the
/// socket it also watches the call, so a broker that ends the stream (a deadline) is seen at once.
/// </summary>
internal sealed class ForwardingClient : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call;
    private readonly Socket socket;
    private readonly int fragmentSize;
    private readonly byte[] readBuffer = new byte[64 * 1024];
    private readonly Queue<ReadOnlyMemory<byte>> unsent = new();
    private Task<bool>? nextResponse;
    private bool peerClosed;

    private ForwardingClient(AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call, Socket socket, int fragmentSize)
    {
        this.call = call;
        this.socket = socket;
        this.fragmentSize = fragmentSize;
    }

    /// <summary>Every response so far, in order.</summary>
    public List<ConnectResponse> Responses { get; } = [];

    /// <summary>The length of every Received the client sent, in order (0 for end of stream).</summary>
    public List<int> ReceivedSizes { get; } = [];

    /// <summary>The response that ended the handshake (established or failed).</summary>
    public ConnectResponse Handshake { get; private set; } = new();

    public bool IsEstablished => Handshake.Ret == 1;

    /// <summary>Opens the TCP connection and the call, then runs the handshake loop to its end.</summary>
    public static async Task<ForwardingClient> ConnectAsync(
        BrokerService.BrokerServiceClient broker, int port, Start start, int fragmentSize = int.MaxValue)
    {
        var client = await OpenAsync(broker, port, fragmentSize);
        try
        {
            client.Handshake = await client.RunHandshakeAsync(start).WaitAsync(TestTimeouts.Scenario);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads no response: a caller that stopped reading. False when
    /// the request itself could not be sent within <paramref name="patience"/> (the broker stopped reading too).
    /// </summary>
    public async Task<bool> SendWithoutReadingAsync(ConnectRequest request, TimeSpan patience)
    {
        try
        {
            await call.RequestStream.WriteAsync(request).WaitAsync(patience);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Opens the TCP connection and the call and sends nothing yet.</summary>
    public static async Task<ForwardingClient> OpenAsync(BrokerService.BrokerServiceClient broker, int port, int fragmentSize = int.MaxValue)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Step);
        return new ForwardingClient(broker.Connect(), socket, fragmentSize);
    }

    /// <summary>Runs the handshake loop on from <paramref name="response"/> (e.g. the answer to a Start sent with <see cref="SendAsync"/>) to its end.</summary>
    public async Task<ConnectResponse> ContinueHandshakeAsync(ConnectResponse response)
    {
        while (response.Ret == -1 && response.Error == SslError.WantRead)
        {
            response = await ForwardNextAsync().WaitAsync(TestTimeouts.Scenario);
        }

        Handshake = response;
        return response;
    }

    /// <summary>One lockstep exchange: sends <paramref name="request"/>, writes its records to the socket, returns the response.</summary>
    public async Task<ConnectResponse> SendAsync(ConnectRequest request)
    {
        await call.RequestStream.WriteAsync(request).WaitAsync(TestTimeouts.Step);
        var response = await NextResponseAsync();
        if (!response.RecordsToSend.IsEmpty)
        {
            await socket.SendAsync(response.RecordsToSend.Memory).AsTask().WaitAsync(TestTimeouts.Step);
        }

        return response;
    }

    public Task<ConnectResponse> WriteAsync(byte[] plaintext) =>
        SendAsync(new ConnectRequest { Write = new Write { Plaintext = ByteString.CopyFrom(plaintext) } });

    public Task<ConnectResponse> ShutdownAsync() => SendAsync(new ConnectRequest { Shutdown = new Shutdown() });

    /// <summary>
    /// SSL_read until <paramref name="until"/> is satisfied by the plaintext so far, or the session
    /// ends (ret 0, or an error other than WANT_READ). Returns the plaintext and the last response.
    /// </summary>
    public async Task<(byte[] Plaintext, ConnectResponse Last)> ReadAsync(Func<MemoryStream, bool> until)
    {
        using var plaintext = new MemoryStream();
        ConnectResponse last;
        do
        {
            last = await ForwardNextAsync();
            last.Plaintext.WriteTo(plaintext);
        }
        while (!until(plaintext) && last.Ret != 0 && (last.Ret > 0 || last.Error == SslError.WantRead));

        return (plaintext.ToArray(), last);
    }

    /// <summary>Half-closes the call and returns the status it ends with (OK expected).</summary>
    public async Task<Status> CompleteAsync()
    {
        await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Step);
        return await WaitForEndAsync();
    }

    /// <summary>
    /// Reads again after having stopped: drops the responses still on their way and returns the status the call
    /// ended with (waiting, bounded, for the broker to end it).
    /// </summary>
    public async Task<Status> DrainToEndAsync()
    {
        try
        {
            while (await (nextResponse ?? call.ResponseStream.MoveNext()).WaitAsync(TestTimeouts.Step))
            {
                nextResponse = null;
            }

            nextResponse = null;
        }
        catch (RpcException e)
        {
            return e.Status;
        }

        return call.GetStatus();
    }

    /// <summary>Sends nothing and waits for the broker to end the call; returns the status it ended with.</summary>
    public async Task<Status> WaitForEndAsync()
    {
        try
        {
            var more = await (nextResponse ?? call.ResponseStream.MoveNext()).WaitAsync(TestTimeouts.Step);
            nextResponse = null;
            Assert.False(more, "the broker sent a response nobody asked for");
        }
        catch (RpcException e)
        {
            return e.Status;
        }

        return call.GetStatus();
    }

    public async ValueTask DisposeAsync()
    {
        call.Dispose();
        socket.Dispose();
        if (nextResponse is not null)
        {
            await nextResponse.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TestTimeouts.Step);
        }
    }

    private async Task<ConnectResponse> RunHandshakeAsync(Start start)
    {
        var response = await SendAsync(new ConnectRequest { Start = start });
        while (response.Ret == -1 && response.Error == SslError.WantRead)
        {
            response = await ForwardNextAsync();
        }

        return response;
    }

    /// <summary>Sends the next piece of what the peer sent (reading the socket when nothing is left) as one Received.</summary>
    private async Task<ConnectResponse> ForwardNextAsync()
    {
        if (unsent.Count == 0 && !peerClosed)
        {
            await ReadSocketAsync();
        }

        var received = unsent.TryDequeue(out var piece)
            ? new Received { Data = ByteString.CopyFrom(piece.Span) }
            : new Received { Eof = true };
        ReceivedSizes.Add(received.Data.Length);
        return await SendAsync(new ConnectRequest { Received = received });
    }

    private async Task ReadSocketAsync()
    {
        var read = socket.ReceiveAsync(readBuffer.AsMemory()).AsTask();
        nextResponse ??= call.ResponseStream.MoveNext();
        var first = await Task.WhenAny(read, nextResponse).WaitAsync(TestTimeouts.Step);
        if (first == nextResponse)
        {
            // Lockstep: no response is due before the next request, so this one ends the call.
            var more = await nextResponse;
            Assert.Fail(more ? "the broker sent a response nobody asked for" : "the broker ended the call without a status");
        }

        var count = await read;
        if (count == 0)
        {
            peerClosed = true;
            return;
        }

        for (var offset = 0; offset < count; offset += fragmentSize)
        {
            unsent.Enqueue(readBuffer.AsMemory(offset, Math.Min(fragmentSize, count - offset)).ToArray());
        }
    }

    private async Task<ConnectResponse> NextResponseAsync()
    {
        var more = await (nextResponse ?? call.ResponseStream.MoveNext()).WaitAsync(TestTimeouts.Step);
        nextResponse = null;
        Assert.True(more, "the broker ended the call instead of answering");
        var response = call.ResponseStream.Current;
        Responses.Add(response);
        return response;
    }
}
