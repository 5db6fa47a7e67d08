using System.Reflection;

namespace TlsBroker.Testing;

/// <summary>
/// Every test is <c>[Trait("Category", "Unit")]</c> (in memory: no process, no socket) or
/// <c>[Trait("Category", "Functional")]</c> (a broker, a peer, a child process or a socket), so that
/// <c>dotnet test --filter Category=Unit</c> and <c>--filter Category=Functional</c> together run the whole suite once.
/// </summary>
public static class TestCategories
{
    public const string Name = "Category";

    public const string Unit = "Unit";

    public const string Functional = "Functional";

    /// <summary>Each test method of <paramref name="assembly"/> whose categories (its class's and its own) are not exactly one of the two.</summary>
    public static IReadOnlyList<string> Uncategorised(Assembly assembly) =>
        [.. from type in assembly.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            where method.IsDefined(typeof(FactAttribute), inherit: true)
            let categories = CategoriesOf(type).Concat(CategoriesOf(method)).ToList()
            where categories is not [Unit or Functional]
            select $"{type.FullName}.{method.Name}: [{string.Join(", ", categories)}]"];

    private static IEnumerable<string> CategoriesOf(MemberInfo member) =>
        from attribute in member.GetCustomAttributesData()
        where attribute.AttributeType == typeof(TraitAttribute) && (string?)attribute.ConstructorArguments[0].Value == Name
        select (string?)attribute.ConstructorArguments[1].Value ?? string.Empty;
}
