namespace TlsBroker.Core.Policy;

/// <summary>
/// What a policy may be called: 1 to 64 of ASCII letters, digits, '.', '_' and '-', starting with a
/// letter or digit. Names travel in requests, logs, status messages and metric labels, so nothing
/// else (no spaces, no control characters, no unbounded length) is accepted anywhere.
/// </summary>
public static class PolicyName
{
    public const int MaxLength = 64;

    public const string Rule = "1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit";

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength
        && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
