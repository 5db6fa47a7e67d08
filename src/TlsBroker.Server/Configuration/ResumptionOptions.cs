namespace TlsBroker.Server.Configuration;

/// <summary>
/// Session resumption tokens (section <c>Broker:Resumption</c>). The broker hands the caller an
/// opaque token sealed with AES-256-GCM; any replica configured with the same key can open it.
/// Off unless at least one key is configured: a key made up at start-up would not survive a
/// restart nor open on another replica, so the broker does not pretend.
/// </summary>
public sealed class ResumptionOptions
{
    public const int MaxKeys = 16;

    public static TimeSpan MinTokenLifetime { get; } = TimeSpan.FromSeconds(1);

    /// <summary>RFC 8446 §4.6.1 and RFC 5077 practice: a session is not resumed more than 7 days after it was created.</summary>
    public static TimeSpan MaxTokenLifetime { get; } = TimeSpan.FromDays(7);

    /// <summary>Turns resumption off while keeping the keys (e.g. to measure without it). Default true; it needs <see cref="Keys"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The sealing keys, at most 16. The first seals new tokens; every one opens tokens (rotation: put
    /// the new key first, keep the old one after it until its tokens have expired). Default: none (off).
    /// </summary>
    public List<ResumptionKeyOptions> Keys { get; set; } = [];

    /// <summary>
    /// Longest time a token resumes, counted from the full handshake that created the session; the
    /// server's own ticket lifetime and the certificate chain's notAfter may end it earlier.
    /// Default 2 h; range 1 s to 7 days.
    /// </summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Whether tokens are issued and accepted.</summary>
    public bool IsActive => Enabled && Keys.Count > 0;
}
