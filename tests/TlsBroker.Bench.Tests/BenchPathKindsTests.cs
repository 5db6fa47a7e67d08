namespace TlsBroker.Bench.Tests;

/// <summary>How the paths are named: --paths parses enum names, the report prints labels, so the two must agree.</summary>
[Trait("Category", "Unit")]
public sealed class BenchPathKindsTests
{
    [Theory]
    [InlineData("Direct", "direct")]
    [InlineData("Engine", "engine")]
    [InlineData("Broker", "broker")]
    [InlineData("Export", "export")]
    public void Label_EveryKind_IsItsNameAsParsed(string name, string label)
    {
        var kind = Enum.Parse<BenchPathKind>(name);

        Assert.Equal(label, kind.Label());
        Assert.True(Enum.TryParse<BenchPathKind>(label, ignoreCase: true, out var parsed));
        Assert.Equal(kind, parsed);
    }

    [Fact]
    public void Label_EveryKind_DistinctSoReportRowsDoNotMerge()
    {
        var kinds = Enum.GetValues<BenchPathKind>();

        Assert.Equal(kinds.Length, kinds.Select(k => k.Label()).Distinct().Count());
    }

    [Fact]
    public void RunsHandshakePhases_Export_OnlyPathLeftOut()
    {
        Assert.Equal([BenchPathKind.Export], Enum.GetValues<BenchPathKind>().Where(k => !k.RunsHandshakePhases()));
    }

    [Fact]
    public void Defaults_EveryPathIncludingExport()
    {
        Assert.Equal(Enum.GetValues<BenchPathKind>(), new BenchSettings().Paths);
    }

    [Fact]
    public void ExportPolicy_NotTheBrokerPolicyOfAVariant()
    {
        // Variant policies are bench-tls13-NAME: export policies named so would be taken by a variant called "export".
        foreach (var version in Enum.GetValues<BenchTlsVersion>())
        {
            Assert.False(version.ExportPolicy().StartsWith(version.BrokerPolicy(), StringComparison.Ordinal), version.ExportPolicy());
        }
    }
}
