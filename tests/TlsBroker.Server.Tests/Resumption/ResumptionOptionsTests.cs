using Microsoft.Extensions.Options;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Resumption;

/// <summary>Bad resumption settings stop the broker at start-up; a problem names the key by its Id, never its value.</summary>
[Trait("Category", "Unit")]
public sealed class ResumptionOptionsTests
{
    [Fact]
    public async Task Start_BadKeysAndLifetime_FailsListingEveryProblemWithoutTheKey()
    {
        const string ShortKey = "c2hvcnQta2V5";
        string[] args =
        [
            "--Broker:Resumption:TokenLifetime=8.00:00:00",
            "--Broker:Resumption:Keys:0:Id=k1",
            $"--Broker:Resumption:Keys:0:Key={ShortKey}",
            "--Broker:Resumption:Keys:1:Id=k1",
            $"--Broker:Resumption:Keys:1:Key={Convert.ToBase64String(new byte[32])}",
            "--Broker:Resumption:Keys:2:Id=bad id",
            $"--Broker:Resumption:Keys:2:Key={Convert.ToBase64String(new byte[32])}",
        ];
        await using var app = BrokerApp.Create(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Resumption:TokenLifetime ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Resumption:Keys:0:Key ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Resumption:Keys:1:Id ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Resumption:Keys:2:Id ", StringComparison.Ordinal));
        Assert.DoesNotContain(ShortKey, error.Message, StringComparison.Ordinal);
    }
}
