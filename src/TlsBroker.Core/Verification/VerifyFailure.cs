using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>Builds a failed <see cref="VerifyOutcome"/> whose reason starts with OpenSSL's text for the code.</summary>
internal static class VerifyFailure
{
    public static VerifyOutcome At(X509VerifyCode code, int depth, string detail) =>
        new(code, depth, $"{VerifyErrorText.For(code)}: {detail} (depth {depth})");
}
