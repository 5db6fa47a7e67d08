using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Core.Results;
using TlsBroker.Core.Resumption;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Resumption;
using TlsBroker.Server.Telemetry;
using TlsBroker.Server.Tests.Infrastructure;

namespace TlsBroker.Server.Tests.Mapping;

/// <summary>
/// The resumption outcome a step carries (<see cref="StepResult.Resumption"/>) becomes the response's token in
/// <see cref="ConnectResponseMapper"/>, sealed by the session's <see cref="SessionResumption"/>: the one way a token reaches the caller.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ConnectResponseResumptionTests : IDisposable
{
    private static readonly ResumptionScope Scope = new("caller", "policy", "localhost");

    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CapturingLoggerProvider logs = new();
    private readonly ResumptionTokens tokens;
    private readonly SessionResumption resumption;

    public ConnectResponseResumptionTests()
    {
        var key = new ResumptionKeyOptions { Id = "k1", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(ResumptionKeyOptions.KeyBytes)) };
        tokens = new ResumptionTokens(new ResumptionOptions { Keys = [key] }, time);
        var metrics = new BrokerMetrics(services.GetRequiredService<IMeterFactory>());
        resumption = new SessionResumption(tokens, Scope, metrics, logs.CreateLogger("test"), "s1");
    }

    public void Dispose()
    {
        services.Dispose();
        logs.Dispose();
    }

    [Fact]
    public void ToResponse_StepWithAResumableState_TokenOpensToThatState()
    {
        var state = Tls12State();

        var response = ConnectResponseMapper.ToResponse(Step(new ResumptionOutcome { Resumable = state }), resumption);

        Assert.True(tokens.TryOpen(Scope, response.ResumptionToken.Span, out var opened, out var rejection), rejection.ToString());
        Assert.Equal(state.ToBytes(), opened!.ToBytes());
    }

    [Fact]
    public void ToResponse_StepWithoutResumptionOutcome_NoToken()
    {
        Assert.True(ConnectResponseMapper.ToResponse(Step(null), resumption).ResumptionToken.IsEmpty);
    }

    [Theory]
    [InlineData(OfferedResumption.Resumed, false)]
    [InlineData(OfferedResumption.DeclinedByServer, true)]
    [InlineData(OfferedResumption.ChainRejected, true)]
    public void ToResponse_OfferedStateNotResumedWith_LoggedWithItsReason(OfferedResumption offered, bool logged)
    {
        var response = ConnectResponseMapper.ToResponse(Step(new ResumptionOutcome { Offered = offered }), resumption);

        Assert.True(response.ResumptionToken.IsEmpty);
        Assert.Equal(logged, logs.Entries.Any(entry => entry.EventId.Id == 460 && entry.Message.Contains(SessionResumption.NotResumedName(offered), StringComparison.Ordinal)));
    }

    private static StepResult Step(ResumptionOutcome? outcome) => new() { Ret = 1, Error = SslError.None, Resumption = outcome };

    private ResumptionState Tls12State() => new(
        0x0303,
        0xC02B,
        extendedMasterSecret: true,
        sessionId: [],
        ticket: [1, 2, 3],
        masterSecret: RandomNumberGenerator.GetBytes(48),
        new Dictionary<int, byte[]>().AsReadOnly(),
        [],
        time.GetUtcNow(),
        time.GetUtcNow().AddHours(1));
}
