namespace TlsBroker.Client;

/// <summary>OpenSSL's <c>SSL_get_error(3)</c> values, with the same numbers (ssl.h).</summary>
public enum SslErrorCode
{
    /// <summary>SSL_ERROR_NONE: the operation succeeded.</summary>
    None = 0,

    /// <summary>SSL_ERROR_SSL: a TLS protocol failure (an alert, a verification failure); the session is over.</summary>
    Ssl = 1,

    /// <summary>SSL_ERROR_WANT_READ: more bytes from the server are needed.</summary>
    WantRead = 2,

    /// <summary>SSL_ERROR_WANT_WRITE: records must be sent first.</summary>
    WantWrite = 3,

    /// <summary>SSL_ERROR_SYSCALL: the transport failed; here, the server closed TCP without close_notify ("unexpected eof while reading").</summary>
    Syscall = 5,

    /// <summary>SSL_ERROR_ZERO_RETURN: the server closed the session cleanly with close_notify.</summary>
    ZeroReturn = 6,
}
