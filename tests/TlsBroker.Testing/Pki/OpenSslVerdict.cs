namespace TlsBroker.Testing.Pki;

/// <summary>The first error <c>openssl verify</c> reported (what an SSL client without a verify callback stops at), or 0 when it said OK.</summary>
/// <param name="Code">The X509_V_* number.</param>
/// <param name="Depth">The depth OpenSSL reported it at.</param>
/// <param name="Text">OpenSSL's X509_verify_cert_error_string text.</param>
/// <param name="Output">Everything openssl printed, for assertion messages.</param>
public sealed record OpenSslVerdict(int Code, int Depth, string Text, string Output);
