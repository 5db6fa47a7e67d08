using TlsBroker.Testing;

namespace TlsBroker.Bench.Tests;

/// <summary>Keeps <c>dotnet test --filter Category=Unit</c> and <c>Category=Functional</c> complete: no test is in neither or both.</summary>
[Trait("Category", "Unit")]
public sealed class TestCategoriesTests
{
    [Fact]
    public void Assembly_EveryTest_HasExactlyOneCategory()
    {
        var uncategorised = TestCategories.Uncategorised(typeof(TestCategoriesTests).Assembly);

        Assert.True(uncategorised.Count == 0, "tag each with [Trait(\"Category\", \"Unit\")] or [Trait(\"Category\", \"Functional\")]:\n" + string.Join('\n', uncategorised));
    }
}
