using Grpc.Core;
using TlsBroker.Core.Engine;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Mapping;

namespace TlsBroker.Server.Service;

/// <summary>
/// Until when a session's caller may stay silent, on the injected <see cref="TimeProvider"/>'s clock:
/// the handshake deadline counts from the call's start (for the Start message) or from the Start;
/// the idle timeout from the last request. The timeouts are those in force when the call opened, then
/// those in force at its Start (<see cref="Started"/>), kept to the end whatever reloads happen.
/// </summary>
internal sealed class SessionDeadlines(TimeProvider timeProvider, BrokerOptions options)
{
    private BrokerOptions options = options;
    private DateTimeOffset handshakeDeadline;
    private DateTimeOffset lastRequestAt = timeProvider.GetUtcNow();

    /// <summary>How long a response may wait for the caller to read it, and the caller to send its next message after the handshake.</summary>
    public TimeSpan IdleTimeout => options.IdleTimeout;

    /// <summary>The Start was accepted: the handshake deadline counts from now, with the timeouts of <paramref name="current"/>.</summary>
    public void Started(BrokerOptions current)
    {
        options = current;
        handshakeDeadline = timeProvider.GetUtcNow() + options.HandshakeTimeout;
    }

    public void RequestArrived() => lastRequestAt = timeProvider.GetUtcNow();

    /// <param name="phase">The session's phase; null before a session exists (waiting for the Start message).</param>
    public DateTimeOffset Next(SessionPhase? phase) => phase switch
    {
        null => lastRequestAt + options.HandshakeTimeout,
        SessionPhase.AwaitingStart or SessionPhase.Handshaking => handshakeDeadline,
        _ => lastRequestAt + IdleTimeout,
    };

    /// <summary>The time left until <see cref="Next"/>, never negative.</summary>
    public TimeSpan Remaining(SessionPhase? phase)
    {
        var left = Next(phase) - timeProvider.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public bool HasPassed(SessionPhase? phase) => timeProvider.GetUtcNow() >= Next(phase);

    /// <summary>
    /// The answer when the caller stayed silent past <see cref="Next"/>; built only then. After the handshake, a
    /// caller that leaves responses unread (<paramref name="responsesUnread"/>) is silent because it stopped reading.
    /// </summary>
    public RpcException Exceeded(SessionPhase? phase, bool responsesUnread = false) => phase switch
    {
        null => BrokerErrors.StartDeadlineExceeded(options.HandshakeTimeout),
        SessionPhase.AwaitingStart or SessionPhase.Handshaking => BrokerErrors.HandshakeDeadlineExceeded(options.HandshakeTimeout),
        _ when responsesUnread => BrokerErrors.ResponsesNotRead(IdleTimeout),
        _ => BrokerErrors.IdleDeadlineExceeded(IdleTimeout),
    };
}
