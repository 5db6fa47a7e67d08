namespace TlsBroker.Cli.BrokerConnection;

/// <summary>Reads <c>--api-key-file</c>: the key is its first line.</summary>
internal static class ApiKeyFile
{
    /// <returns>The key, null when no file was given; <paramref name="error"/> is set (a usage error) when the file cannot be read or holds no key.</returns>
    public static async Task<(string? Key, string? Error)> ReadAsync(string? path, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return (null, null);
        }

        string? key;
        try
        {
            key = (await File.ReadAllLinesAsync(path, cancellationToken)).FirstOrDefault()?.Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"tlsbroker: cannot read --api-key-file {path}: {e.Message}");
        }

        return string.IsNullOrEmpty(key) ? (null, $"tlsbroker: --api-key-file {path} holds no key") : (key, null);
    }
}
