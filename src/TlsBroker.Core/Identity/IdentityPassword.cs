using TlsBroker.Core.Policy;

namespace TlsBroker.Core.Identity;

/// <summary>
/// The password of a client identity, read from <see cref="ClientIdentityOptions.PasswordFile"/> or
/// <see cref="ClientIdentityOptions.PasswordEnvironmentVariable"/>: configuration names where it is,
/// never the password itself. Problems name the file or variable, never the value.
/// </summary>
internal static class IdentityPassword
{
    /// <summary>The password, null when none is configured or it could not be read (a problem then says why).</summary>
    public static char[]? Read(ClientIdentityOptions options, List<string> problems, List<string> warnings)
    {
        var file = Blank(options.PasswordFile);
        var variable = Blank(options.PasswordEnvironmentVariable);
        if (file is not null && variable is not null)
        {
            problems.Add("ClientIdentity: give PasswordFile or PasswordEnvironmentVariable, not both");
            return null;
        }

        if (variable is not null)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (value is null)
            {
                problems.Add($"ClientIdentity:PasswordEnvironmentVariable: the environment variable '{variable}' is not set");
                return null;
            }

            return value.ToCharArray();
        }

        if (file is null)
        {
            return null;
        }

        try
        {
            var text = File.ReadAllText(file);
            KeyFilePermissions.WarnIfWorldReadable("ClientIdentity:PasswordFile", file, warnings);

            // One trailing line break is what an editor or `echo` leaves; the password is the rest.
            var length = text.EndsWith("\r\n", StringComparison.Ordinal) ? text.Length - 2 : text.EndsWith('\n') ? text.Length - 1 : text.Length;
            return text.AsSpan(0, length).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"ClientIdentity:PasswordFile '{file}' cannot be read: {FileProblem.Describe(e)}");
            return null;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
