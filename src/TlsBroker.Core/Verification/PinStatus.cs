namespace TlsBroker.Core.Verification;

/// <summary>What the policy's pins said about a chain.</summary>
public enum PinStatus
{
    /// <summary>The policy has no pins.</summary>
    NotConfigured,

    /// <summary>A certificate of the verified path has a pinned key.</summary>
    Matched,

    /// <summary>The path was otherwise valid, but none of its certificates has a pinned key.</summary>
    NoMatch,

    /// <summary>The chain failed an earlier check, so the pins were not reached.</summary>
    NotChecked,
}
