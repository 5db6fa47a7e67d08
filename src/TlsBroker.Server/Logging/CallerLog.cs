using Microsoft.Extensions.Logging;

namespace TlsBroker.Server.Logging;

/// <summary>
/// Log events about callers and the listener's security (category TlsBroker.Server.Callers),
/// EventIds 200-219. They name callers and remote addresses; never an API key or its hash.
/// </summary>
internal static partial class CallerLog
{
    public const string Category = "TlsBroker.Server.Callers";

    [LoggerMessage(EventId = 200, EventName = "CallerAuthenticationOff", Level = LogLevel.Information,
        Message = "Caller authentication off: no Broker:Callers configured, so every call to listener {ListenAddress} is anonymous and may use every policy")]
    public static partial void AuthenticationOff(ILogger logger, string listenAddress);

    [LoggerMessage(EventId = 201, EventName = "CallerAuthenticationOn", Level = LogLevel.Information,
        Message = "Caller authentication on: {CallerCount} caller(s), {ApiKeyCount} API key(s), {CertificateMappingCount} client certificate mapping(s); other calls are refused with Unauthenticated")]
    public static partial void AuthenticationOn(ILogger logger, int callerCount, int apiKeyCount, int certificateMappingCount);

    [LoggerMessage(EventId = 202, EventName = "InsecureNetworkListener", Level = LogLevel.Warning,
        Message = "Broker:AllowInsecureNetworkListener is true: listener {ListenAddress} is not loopback and runs {Weakness}; anyone who reaches it can use the broker")]
    public static partial void InsecureNetworkListener(ILogger logger, string listenAddress, string weakness);

    [LoggerMessage(EventId = 203, EventName = "CallUnauthenticated", Level = LogLevel.Warning,
        Message = "Call from {RemoteAddress} refused with Unauthenticated: {Reason}")]
    public static partial void CallUnauthenticated(ILogger logger, string remoteAddress, string reason);

    [LoggerMessage(EventId = 204, EventName = "CallerLimited", Level = LogLevel.Warning,
        Message = "Caller {Caller} refused with ResourceExhausted: {Reason}")]
    public static partial void CallerLimited(ILogger logger, string caller, string reason);

    [LoggerMessage(EventId = 205, EventName = "CallersReloaded", Level = LogLevel.Information,
        Message = "Callers reloaded: {CallerCount} caller(s), {ApiKeyCount} API key(s), {CertificateMappingCount} client certificate mapping(s)")]
    public static partial void CallersReloaded(ILogger logger, int callerCount, int apiKeyCount, int certificateMappingCount);

    [LoggerMessage(EventId = 206, EventName = "CallersReloadRejected", Level = LogLevel.Warning,
        Message = "Callers not reloaded, the previous ones stay in force: {Problems}")]
    public static partial void CallersReloadRejected(ILogger logger, string problems);

    [LoggerMessage(EventId = 207, EventName = "ListenerHttps", Level = LogLevel.Information,
        Message = "gRPC listener uses HTTPS (TLS 1.2+, HTTP/2 by ALPN) with certificate file {CertificateFile}; client certificates {ClientCertificates}")]
    public static partial void ListenerHttps(ILogger logger, string certificateFile, string clientCertificates);
}
