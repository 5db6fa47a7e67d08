namespace TlsBroker.Core.Identity;

/// <summary>Why a configured file could not be read, in words that fit after its name.</summary>
internal static class FileProblem
{
    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "file not found",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };
}
