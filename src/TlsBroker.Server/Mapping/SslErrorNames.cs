using TlsBroker.Core.Results;

namespace TlsBroker.Server.Mapping;

/// <summary>Spells an <see cref="SslError"/> as OpenSSL's ssl.h does, for logs.</summary>
internal static class SslErrorNames
{
    public static string OpenSslName(SslError error) => error switch
    {
        SslError.None => "SSL_ERROR_NONE",
        SslError.Ssl => "SSL_ERROR_SSL",
        SslError.WantRead => "SSL_ERROR_WANT_READ",
        SslError.WantWrite => "SSL_ERROR_WANT_WRITE",
        SslError.Syscall => "SSL_ERROR_SYSCALL",
        SslError.ZeroReturn => "SSL_ERROR_ZERO_RETURN",
        _ => error.ToString(),
    };
}
