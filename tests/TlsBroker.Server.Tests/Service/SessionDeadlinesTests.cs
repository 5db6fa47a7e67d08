using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Core.Engine;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Service;

namespace TlsBroker.Server.Tests.Service;

/// <summary>Unit tests (no process, no network): the session's deadlines on a FakeTimeProvider's clock.</summary>
[Trait("Category", "Unit")]
public sealed class SessionDeadlinesTests
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SessionDeadlines deadlines;

    public SessionDeadlinesTests()
    {
        deadlines = new SessionDeadlines(time, Options(HandshakeTimeout, IdleTimeout));
    }

    [Fact]
    public void Next_NoStartYet_HandshakeTimeoutFromTheCallsOpening()
    {
        var opened = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(opened + HandshakeTimeout, deadlines.Next(null));
        Assert.Equal(HandshakeTimeout - TimeSpan.FromSeconds(10), deadlines.Remaining(null));
    }

    [Theory]
    [InlineData(SessionPhase.AwaitingStart)]
    [InlineData(SessionPhase.Handshaking)]
    public void Next_Handshaking_CountsFromTheStartNotFromTheLastRequest(SessionPhase phase)
    {
        time.Advance(TimeSpan.FromSeconds(3));
        var startedAt = time.GetUtcNow();
        deadlines.Started(Options(HandshakeTimeout, IdleTimeout));
        time.Advance(TimeSpan.FromSeconds(20));
        deadlines.RequestArrived();

        Assert.Equal(startedAt + HandshakeTimeout, deadlines.Next(phase));
    }

    [Theory]
    [InlineData(SessionPhase.Established)]
    [InlineData(SessionPhase.ShuttingDown)]
    [InlineData(SessionPhase.Closed)]
    public void Next_AfterTheHandshake_IdleTimeoutFromTheLastRequest(SessionPhase phase)
    {
        deadlines.Started(Options(HandshakeTimeout, IdleTimeout));
        time.Advance(TimeSpan.FromMinutes(2));
        deadlines.RequestArrived();
        var lastRequestAt = time.GetUtcNow();
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(lastRequestAt + IdleTimeout, deadlines.Next(phase));
        Assert.Equal(IdleTimeout - TimeSpan.FromMinutes(1), deadlines.Remaining(phase));
        Assert.False(deadlines.HasPassed(phase));
    }

    [Fact]
    public void Started_TimeoutsReloadedSinceTheCallOpened_TimeoutsInForceAtTheStartApply()
    {
        var reloadedHandshake = TimeSpan.FromSeconds(7);
        var reloadedIdle = TimeSpan.FromSeconds(11);
        Assert.Equal(IdleTimeout, deadlines.IdleTimeout);

        deadlines.Started(Options(reloadedHandshake, reloadedIdle));

        Assert.Equal(time.GetUtcNow() + reloadedHandshake, deadlines.Next(SessionPhase.Handshaking));
        Assert.Equal(time.GetUtcNow() + reloadedIdle, deadlines.Next(SessionPhase.Established));
        Assert.Equal(reloadedIdle, deadlines.IdleTimeout);
    }

    [Fact]
    public void Remaining_DeadlinePassed_ZeroAndHasPassed()
    {
        time.Advance(HandshakeTimeout + TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, deadlines.Remaining(null));
        Assert.True(deadlines.HasPassed(null));
    }

    [Fact]
    public void HasPassed_ExactlyAtTheDeadline_True()
    {
        time.Advance(HandshakeTimeout);

        Assert.True(deadlines.HasPassed(null));
    }

    [Theory]
    [InlineData(null, "no start message within the handshake timeout (30 s)")]
    [InlineData(SessionPhase.Handshaking, "handshake timeout: the handshake did not complete within 30 s")]
    [InlineData(SessionPhase.Established, "idle timeout: no message for 300 s")]
    public void Exceeded_EachPhase_DeadlineExceededNamingItsTimeout(SessionPhase? phase, string expected)
    {
        var error = deadlines.Exceeded(phase);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.StartsWith(expected, error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SessionPhase.Established, "the caller read no response for 300 s (idle timeout)")]
    [InlineData(SessionPhase.Handshaking, "handshake timeout: the handshake did not complete within 30 s")]
    public void Exceeded_ResponsesUnread_AfterTheHandshakeNamesTheUnreadResponses(SessionPhase phase, string expected)
    {
        var error = deadlines.Exceeded(phase, responsesUnread: true);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.StartsWith(expected, error.Status.Detail, StringComparison.Ordinal);
    }

    private static BrokerOptions Options(TimeSpan handshakeTimeout, TimeSpan idleTimeout) =>
        new() { HandshakeTimeout = handshakeTimeout, IdleTimeout = idleTimeout };
}
