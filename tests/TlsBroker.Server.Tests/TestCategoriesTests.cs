using TlsBroker.Testing;

namespace TlsBroker.Server.Tests;

/// <summary>This assembly's check that every test is Unit or Functional (<see cref="EveryTestCategorised"/>).</summary>
[Trait("Category", "Unit")]
public sealed class TestCategoriesTests : EveryTestCategorised;
