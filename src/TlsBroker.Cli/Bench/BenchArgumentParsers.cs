using System.CommandLine.Parsing;
using System.Globalization;
using TlsBroker.Bench;
using TlsBroker.Cli.Connect;

namespace TlsBroker.Cli.Bench;

/// <summary>How <c>bench</c> reads its argument and option values; each reports a bad value as a parse error naming it.</summary>
internal static class BenchArgumentParsers
{
    public static ServerEndpoint? ParseServer(ArgumentResult result)
    {
        if (ServerEndpoint.TryParse(result.Tokens[0].Value, out var endpoint, out var error))
        {
            return endpoint;
        }

        result.AddError(error);
        return null;
    }

    public static Uri? ParseBroker(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"'{text}' is not a URL: use http://HOST:PORT or https://HOST:PORT");
        return null;
    }

    public static int ParseInt(ArgumentResult result, int min, int max)
    {
        var text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"'{text}' is not a whole number from {min} to {max}");
        return default;
    }

    public static int[] ParseIntList(ArgumentResult result, int min, int max)
    {
        var text = result.Tokens[0].Value;
        var values = new List<int>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                result.AddError($"'{item}' in '{text}' is not a whole number from {min} to {max}; give a list such as 1,8,64");
                return [];
            }

            values.Add(value);
        }

        return [.. values.Distinct()];
    }

    public static BenchTlsVersion[] ParseTlsVersions(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        var versions = new List<BenchTlsVersion>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!BenchTlsVersions.TryParse(item, out var version))
            {
                result.AddError($"'{item}' is not a TLS version: use 1.3, 1.2 or 1.3,1.2");
                return [];
            }

            versions.Add(version);
        }

        return [.. versions.Distinct()];
    }

    public static T[] ParseNames<T>(ArgumentResult result, string what)
        where T : struct, Enum
    {
        var text = result.Tokens[0].Value;
        var values = new List<T>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            // Names only: Enum.TryParse would also take numbers.
            if (item.Length == 0 || char.IsDigit(item[0]) || !Enum.TryParse<T>(item, ignoreCase: true, out var value))
            {
                var known = string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
                result.AddError($"'{item}' is not a {what}: use {known}");
                return [];
            }

            values.Add(value);
        }

        return [.. values.Distinct()];
    }

    public static BenchVariant[] ParseVariants(ArgumentResult result)
    {
        var variants = new List<BenchVariant>();
        foreach (var token in result.Tokens)
        {
            if (!BenchVariant.TryParse(token.Value, out var parsed, out var error))
            {
                result.AddError(error);
                return [];
            }

            if (variants.Exists(v => v.Name == parsed.Name))
            {
                result.AddError($"variant '{parsed.Name}' is given twice");
                return [];
            }

            variants.Add(parsed);
        }

        return [.. variants];
    }

    public static double ParseSeconds(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 86_400)
        {
            return seconds;
        }

        result.AddError($"'{text}' is not a time limit: give a number of seconds greater than 0, e.g. 60 or 2.5");
        return default;
    }

    public static double ParseSecondsOrZero(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 86_400)
        {
            return seconds;
        }

        result.AddError($"'{text}' is not a time: give a number of seconds from 0 to 86400, e.g. 30 or 0");
        return default;
    }

    public static long? ParseSize(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        var (digits, unit) = text switch
        {
            _ when text.EndsWith("GiB", StringComparison.Ordinal) => (text[..^3], 1L << 30),
            _ when text.EndsWith("MiB", StringComparison.Ordinal) => (text[..^3], 1L << 20),
            _ when text.EndsWith("KiB", StringComparison.Ordinal) => (text[..^3], 1L << 10),
            _ => (text, 1L),
        };
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 && count <= (16L << 30) / unit)
        {
            return count * unit;
        }

        result.AddError($"'{text}' is not a size: give a positive number of bytes up to 16GiB, optionally with KiB, MiB or GiB, e.g. 64MiB");
        return default;
    }
}
