namespace TlsBroker.Core.Verification;

/// <summary>
/// When every certificate of a path is within its validity period, in whole Unix seconds as OpenSSL 3
/// compares them (X509_cmp_time): from the latest notBefore, up to but excluding the earliest notAfter.
/// </summary>
internal readonly record struct PathValidity(long LatestNotBefore, long EarliestNotAfter)
{
    public bool Covers(DateTimeOffset now)
    {
        var at = now.ToUnixTimeSeconds();
        return LatestNotBefore <= at && at < EarliestNotAfter;
    }
}
