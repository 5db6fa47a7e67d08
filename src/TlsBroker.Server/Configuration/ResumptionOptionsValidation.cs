namespace TlsBroker.Server.Configuration;

/// <summary>The checks of <see cref="ResumptionOptions"/>, part of <see cref="BrokerOptionsValidator"/>. Problems name a key by its Id, never its value.</summary>
internal static class ResumptionOptionsValidation
{
    public static void Collect(ResumptionOptions options, string prefix, List<string> problems)
    {
        if (options.TokenLifetime < ResumptionOptions.MinTokenLifetime || options.TokenLifetime > ResumptionOptions.MaxTokenLifetime)
        {
            problems.Add($"{prefix}TokenLifetime is {options.TokenLifetime}; it must be between {ResumptionOptions.MinTokenLifetime} and {ResumptionOptions.MaxTokenLifetime}");
        }

        if (options.Keys.Count > ResumptionOptions.MaxKeys)
        {
            problems.Add($"{prefix}Keys has {options.Keys.Count} keys; at most {ResumptionOptions.MaxKeys} are allowed");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            var at = $"{prefix}Keys:{i}";
            if (!IsValidId(key.Id))
            {
                problems.Add($"{at}:Id '{key.Id}' must be 1 to {ResumptionKeyOptions.MaxIdBytes} ASCII letters, digits, '-', '_' or '.'");
            }
            else if (!seen.Add(key.Id))
            {
                problems.Add($"{at}:Id '{key.Id}' is used by another key");
            }

            if (!TryDecodeKey(key.Key, out _))
            {
                problems.Add($"{at}:Key (Id '{key.Id}') must be {ResumptionKeyOptions.KeyBytes} bytes in base64");
            }
        }
    }

    public static bool TryDecodeKey(string base64, out byte[] key)
    {
        key = new byte[ResumptionKeyOptions.KeyBytes];
        return Convert.TryFromBase64String(base64.Trim(), key, out var written) && written == ResumptionKeyOptions.KeyBytes;
    }

    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= ResumptionKeyOptions.MaxIdBytes && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
