namespace TlsBroker.Testing;

/// <summary>
/// Runs the real <c>openssl</c> command line once (verify, s_client, ciphers ...) as an oracle
/// for what OpenSSL says about the same input, bounded by <see cref="BoundedCommand"/>.
/// </summary>
public static class OpenSslCommand
{
    /// <summary>The exit code and everything openssl printed (stdout, then stderr).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments) =>
        BoundedCommand.RunAsync("openssl", arguments);
}
