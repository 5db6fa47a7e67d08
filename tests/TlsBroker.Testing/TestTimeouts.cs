namespace TlsBroker.Testing;

/// <summary>Bounds for every await in the tests, so that a hang fails with a file and line instead of stalling CI.</summary>
public static class TestTimeouts
{
    /// <summary>One step of a test: a handshake, a read, a process start.</summary>
    public static TimeSpan Step { get; } = TimeSpan.FromSeconds(20);

    /// <summary>A whole scenario: a download, a full session.</summary>
    public static TimeSpan Scenario { get; } = TimeSpan.FromSeconds(60);
}
