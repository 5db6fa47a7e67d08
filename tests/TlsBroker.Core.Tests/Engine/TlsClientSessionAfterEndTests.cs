using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// Calls on a session that has ended get its final outcome, as OpenSSL answers them on an ended SSL
/// object, so that a client that read ahead or shuts down after SSL_ERROR_ZERO_RETURN is not a misuser.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TlsClientSessionAfterEndTests(EngineChainFixture fixture) : IClassFixture<EngineChainFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    [Fact]
    public void Calls_AfterServerCloseNotify_ReadZeroShutdownCompletesWriteRefused()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session);
        pump.ServerProtocol.Close();
        var end = pump.DeliverToClient();

        var read = session.Receive([1, 2, 3], endOfStream: false);
        var shutdown = session.Shutdown();
        var write = session.Write([1]);

        Assert.Equal((0, SslError.ZeroReturn), (end.Ret, end.Error));
        Assert.Equal((0, SslError.ZeroReturn, true), (read.Ret, read.Error, read.RecordsToSend.IsEmpty));
        Assert.Equal((1, SslError.None, true), (shutdown.Ret, shutdown.Error, shutdown.RecordsToSend.IsEmpty));
        Assert.Equal((-1, SslError.Ssl, "protocol is shutdown"), (write.Ret, write.Error, write.Reason));
        Assert.Equal(SessionPhase.Closed, session.Phase);
    }

    [Fact]
    public void Shutdown_AfterOurShutdownCompleted_ReturnsOne()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session);
        pump.Forward(session.Shutdown());
        var end = pump.DeliverToClient();

        var again = session.Shutdown();

        Assert.Equal(SslError.ZeroReturn, end.Error);
        Assert.Equal((1, SslError.None), (again.Ret, again.Error));
    }

    [Fact]
    public void Calls_AfterEndOfStreamWithoutCloseNotify_RepeatTheSyscallFailure()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        Established(session);
        var end = session.Receive([], endOfStream: true);

        var answers = new[] { session.Receive([1], endOfStream: false), session.Write([1]), session.Shutdown() };

        Assert.Equal((-1, SslError.Syscall), (end.Ret, end.Error));
        Assert.All(answers, answer =>
        {
            Assert.Equal((end.Ret, end.Error, end.Reason), (answer.Ret, answer.Error, answer.Reason));
            Assert.True(answer.RecordsToSend.IsEmpty);
        });
    }

    [Fact]
    public void Receive_AfterFatalAlertSent_RepeatsTheAlertWithoutResendingIt()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        session.Start(Localhost);
        var failure = session.Receive("HTTP/1.1 400 Bad Request\r\n\r\n"u8, endOfStream: false);

        var again = session.Receive([0x16, 0x03, 0x03], endOfStream: false);

        Assert.Equal((-1, SslError.Ssl), (failure.Ret, failure.Error));
        Assert.False(failure.RecordsToSend.IsEmpty);
        Assert.Equal((failure.Ret, failure.Error, failure.Alert, failure.Reason), (again.Ret, again.Error, again.Alert, again.Reason));
        Assert.True(again.RecordsToSend.IsEmpty);
    }

    private InMemoryPump Established(TlsClientSession session)
    {
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), 0);
        Assert.Equal(1, pump.Handshake(Localhost).Ret);
        return pump;
    }
}
