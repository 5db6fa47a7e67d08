using TlsBroker.Bench.Processes;

namespace TlsBroker.Bench.Tests.Processes;

[Trait("Category", "Unit")]
public sealed class OpenFileLimitTests
{
    [Fact]
    public void RaiseToHardLimit_SoftLimitEqualsHardLimitAfterwards()
    {
        var note = OpenFileLimit.RaiseToHardLimit();

        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(fields[1], fields[0]);
        Assert.Contains(fields[1], note);
    }
}
