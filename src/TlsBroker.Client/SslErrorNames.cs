using Google.Protobuf.Reflection;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>OpenSSL's SSL_ERROR_* names, read from the contract so that they cannot drift from it.</summary>
internal static class SslErrorNames
{
    private static readonly EnumDescriptor Descriptor =
        BrokerReflection.Descriptor.FindTypeByName<EnumDescriptor>(nameof(SslError));

    public static string Of(SslErrorCode error) =>
        Descriptor.FindValueByNumber((int)error)?.Name ?? $"SSL_ERROR_{(int)error}";
}
