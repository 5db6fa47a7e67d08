using System.Collections.Frozen;

namespace TlsBroker.Server.Callers;

/// <summary>
/// Who is calling, once authenticated, and what it may do. Set on the request's features by
/// <see cref="CallerAuthenticationMiddleware"/>, read by the service and the rate limiter.
/// </summary>
/// <param name="Name">The configured caller name ("anonymous" when no callers are configured); also binds resumption tokens.</param>
/// <param name="Policies">The policies it may use; null for every policy.</param>
/// <param name="Limits">Its per-caller limits; null for none (anonymous).</param>
internal sealed record Caller(string Name, FrozenSet<string>? Policies, CallerLimits? Limits)
{
    public static Caller Anonymous { get; } = new("anonymous", null, null);

    /// <summary>Whether the caller may use <paramref name="policy"/>; an unknown policy and a policy not granted get the same answer from the service.</summary>
    public bool MayUse(string policy) => Policies is null || Policies.Contains(policy);
}
