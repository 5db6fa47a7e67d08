using TlsBroker.Core.Results;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// One row of <see cref="StrictProfileRows"/>: what <c>openssl verify -x509_strict</c> must say about the chain
/// <paramref name="Build"/> makes, and the broker's own webpki code where it is deliberately stricter than OpenSSL without it.
/// </summary>
public sealed record StrictRow(X509VerifyCode Exercises, int Depth, Func<PathShapes, StrictChain> Build, X509VerifyCode? WebPkiStricter = null);
