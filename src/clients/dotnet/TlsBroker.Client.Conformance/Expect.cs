namespace TlsBroker.Client.Conformance;

/// <summary>The checks the cases make; each failure says what was expected and what was seen.</summary>
internal static class Expect
{
    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new CaseFailedException($"{what}: expected {expected}, got {actual}");
        }
    }

    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new CaseFailedException(what);
        }
    }

    /// <summary>Runs <paramref name="action"/> and returns the <typeparamref name="TException"/> it must throw.</summary>
    public static async Task<TException> ThrowsAsync<TException>(Func<Task> action, string what)
        where TException : Exception
    {
        try
        {
            await action();
        }
        catch (TException expected)
        {
            return expected;
        }
        catch (Exception other)
        {
            throw new CaseFailedException($"{what}: expected {typeof(TException).Name}, got {other.GetType().Name}: {other.Message}");
        }

        throw new CaseFailedException($"{what}: expected {typeof(TException).Name}, nothing was thrown");
    }
}
