namespace TlsBroker.Core.Results;

/// <summary>OpenSSL's <c>SSL_get_error(3)</c> values, with OpenSSL's numbers.</summary>
public enum SslError
{
    None = 0,
    Ssl = 1,
    WantRead = 2,
    WantWrite = 3,
    Syscall = 5,
    ZeroReturn = 6,
}
