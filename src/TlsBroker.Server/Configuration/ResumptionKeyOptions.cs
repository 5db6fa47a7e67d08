namespace TlsBroker.Server.Configuration;

/// <summary>One resumption token key. The key itself never appears in logs, responses or errors.</summary>
public sealed class ResumptionKeyOptions
{
    public const int KeyBytes = 32;

    public const int MaxIdBytes = 64;

    /// <summary>Names the key inside each token, so that the right key opens it: 1 to 64 ASCII letters, digits, '-', '_' or '.'.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The AES-256 key, base64 (32 bytes, e.g. <c>openssl rand -base64 32</c>).</summary>
    public string Key { get; set; } = string.Empty;
}
