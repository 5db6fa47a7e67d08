namespace TlsBroker.Testing;

/// <summary>
/// Keeps <c>dotnet test --filter Category=Unit</c> and <c>Category=Functional</c> complete: each test
/// assembly holds one class derived from this one, which fails when a test of that assembly is in neither or both.
/// </summary>
public abstract class EveryTestCategorised
{
    [Fact]
    public void Assembly_EveryTest_HasExactlyOneCategory()
    {
        var uncategorised = TestCategories.Uncategorised(GetType().Assembly);

        Assert.True(uncategorised.Count == 0, "tag each with [Trait(\"Category\", \"Unit\")] or [Trait(\"Category\", \"Functional\")]:\n" + string.Join('\n', uncategorised));
    }
}
