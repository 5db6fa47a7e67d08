namespace TlsBroker.Server.Resumption;

/// <summary>Why a resumption token was not used; the session then does a full handshake.</summary>
internal enum TokenRejection
{
    /// <summary>Too short or of an unknown token format version.</summary>
    Malformed,

    /// <summary>Sealed with a key this broker does not hold (never configured, or rotated out).</summary>
    UnknownKey,

    /// <summary>The AEAD tag did not verify: altered bytes, or sealed for another caller, policy or server name.</summary>
    NotAuthentic,

    /// <summary>Past its expiry.</summary>
    Expired,

    /// <summary>Authentic but not a state this broker version can read.</summary>
    UnreadableState,
}
