using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Core.Engine;

namespace TlsBroker.Fuzz;

/// <summary>
/// Records a seed: the harness's client (same policy, clock, seeded crypto and calls as <see cref="EngineFuzzTarget"/>)
/// runs against a real server over TCP, and every byte the server sends is kept, until the server closes. Replayed,
/// the file completes the same handshake, which the corpus replay test checks.
/// </summary>
internal static class SeedRecorder
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public static int Record(string host, int port, string outputFile, TextWriter output)
    {
        using var tcp = new TcpClient();
        tcp.Connect(host, port);
        using var socket = tcp.GetStream();
        socket.ReadTimeout = (int)ReadTimeout.TotalMilliseconds;
        using var session = new TlsClientSession(FuzzPolicy.Create(), new FakeTimeProvider(FuzzPolicy.Now), new RepeatableCrypto());
        socket.Write(session.Start(FuzzPolicy.Start).RecordsToSend.Span);
        using var recorded = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (session.Phase != SessionPhase.Closed)
        {
            var read = socket.Read(buffer);
            recorded.Write(buffer, 0, read);
            var result = session.Receive(buffer.AsSpan(0, read), endOfStream: read == 0);
            socket.Write(result.RecordsToSend.Span);
            if (result.Established is not null)
            {
                _ = session.ExportResumption();
                socket.Write(session.Write("hello\nCLOSE\n"u8).RecordsToSend.Span);
            }
        }

        File.WriteAllBytes(outputFile, FuzzInput.Encode(recorded.ToArray()));
        output.WriteLine($"{outputFile}: {recorded.Length} bytes from the server; replayed: {EngineFuzzTarget.Run(File.ReadAllBytes(outputFile))}");
        return 0;
    }
}
