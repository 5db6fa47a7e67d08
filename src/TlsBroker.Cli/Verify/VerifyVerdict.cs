namespace TlsBroker.Cli.Verify;

/// <summary>One verification's answer, from the broker or from the verifier in this process.</summary>
/// <param name="Code">OpenSSL's X509_V_* number; 0 when accepted.</param>
/// <param name="Depth">Position in <paramref name="Path"/> of the certificate at fault.</param>
/// <param name="Reason">OpenSSL's text for the code, then detail.</param>
/// <param name="Path">DER, leaf first: the verified path, or the path the error is about; empty when none was built.</param>
/// <param name="Pins">The pins' result in words, e.g. "matched at depth 1 (sha256/…)".</param>
internal sealed record VerifyVerdict(int Code, int Depth, string Reason, IReadOnlyList<byte[]> Path, string Pins)
{
    public bool IsAccepted => Code == 0;
}
