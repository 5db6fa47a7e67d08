using Google.Protobuf;
using Grpc.Core;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>The handshake loop of DESIGN.md, one exchange at a time, which is OpenSSL's memory-BIO loop around SSL_connect(3).</summary>
internal static class BrokerHandshake
{
    // One TLS record carries at most 2^14 bytes of plaintext (RFC 8446 §5.1), plus its header and expansion.
    private const int MaxRecordBytes = 16 * 1024 + 1024;

    /// <summary>
    /// Runs the handshake over <paramref name="transport"/>; <paramref name="cancellationToken"/> carries the
    /// authentication's deadline, and the call is disposed when the handshake fails or is cut short.
    /// </summary>
    public static async Task<EstablishedSession> RunAsync(
        Stream transport, ChannelBase broker, string targetHost, BrokerTlsClientOptions options, CancellationToken cancellationToken)
    {
        var policy = options.Policy ?? string.Empty;
        var cache = options.SessionCache;
        var key = new BrokerTlsSessionKey(broker.Target, policy, targetHost);
        var headers = string.IsNullOrEmpty(options.ApiKey) ? null : new Metadata { { "authorization", $"Bearer {options.ApiKey}" } };

        // The call lives as long as the returned session; the token bounds only the handshake.
        var grpcCall = new BrokerService.BrokerServiceClient(broker).Connect(headers, cancellationToken: CancellationToken.None);
        var call = new PipelinedBrokerCall(grpcCall, transport, options.Timeout, broker.Target, token => cache?.SetToken(key, token));
        try
        {
            return await ExchangeAsync(call, transport, Start(targetHost, policy, options, cache, key), cancellationToken);
        }
        catch
        {
            await call.DisposeAsync();
            throw;
        }
    }

    private static Start Start(string targetHost, string policy, BrokerTlsClientOptions options, BrokerTlsSessionCache? cache, BrokerTlsSessionKey key)
    {
        var start = new Start { Policy = policy, ServerName = targetHost };
        if (cache is not null && cache.TryGetToken(key, out var token))
        {
            start.ResumptionToken = ByteString.CopyFrom(token);
        }

        start.Alpn.AddRange(options.ApplicationProtocols?.Select(protocol => protocol.ToString()) ?? []);
        return start;
    }

    private static async Task<EstablishedSession> ExchangeAsync(PipelinedBrokerCall call, Stream transport, Start start, CancellationToken cancellationToken)
    {
        var response = await call.ExchangeAsync(new ConnectRequest { Start = start }, cancellationToken);
        var session = response.Session;
        var maxPayload = RequestLimits.PayloadBytesFor(session);
        var buffer = new byte[Math.Min(MaxRecordBytes, maxPayload)];
        var serverRecords = new RecordBoundaryTracker();
        while (true)
        {
            // SSL_connect(3): 1 means the handshake completed and a session was established.
            if (response.Ret == 1)
            {
                if (response.Established is null)
                {
                    throw new BrokerException(call.Broker, StatusCode.Internal, "the broker reported ret=1 without the established session", null);
                }

                var info = BrokerTlsSessionInfo.From(response, session?.Id ?? string.Empty);
                return new EstablishedSession(call, info, response.Plaintext.Memory, maxPayload, serverRecords);
            }

            // SSL_get_error(3): only SSL_ERROR_WANT_READ asks for more input; anything else ends the handshake.
            if (response.Error != SslError.WantRead)
            {
                throw BrokerTlsAuthenticationException.From(BrokerTlsResult.From(response));
            }

            var received = await transport.ReadAsync(buffer, cancellationToken);
            serverRecords.Consume(buffer.AsSpan(0, received));
            var request = new ConnectRequest
            {
                Received = new Received { Data = ByteString.CopyFrom(buffer, 0, received), Eof = received == 0 },
            };
            response = await call.ExchangeAsync(request, cancellationToken);
        }
    }
}
