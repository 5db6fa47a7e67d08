using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>Real gRPC clients of a broker that authenticates callers: with an API key, over HTTPS, with a client certificate.</summary>
internal static class CallerClients
{
    /// <summary>A client that sends <c>authorization: <paramref name="authorization"/></c> on every call.</summary>
    public static BrokerService.BrokerServiceClient WithAuthorization(GrpcChannel channel, string authorization) =>
        new(channel.Intercept(metadata =>
        {
            metadata.Add("authorization", authorization);
            return metadata;
        }));

    public static BrokerService.BrokerServiceClient WithApiKey(GrpcChannel channel, string key) => WithAuthorization(channel, "Bearer " + key);

    /// <summary>An HTTPS channel that trusts only <paramref name="root"/> for the broker's certificate, presenting <paramref name="clientCertificate"/> when given.</summary>
    public static GrpcChannel Https(Uri address, X509Certificate2 root, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, sent, _) => certificate is X509Certificate2 leaf && sent is not null && ChainsTo(leaf, sent, root),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            },
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
    }

    /// <summary>Sends a Start for <paramref name="policy"/>: the first response (a ClientHello to send) on success, or the call's status.</summary>
    public static async Task<(ConnectResponse? Response, Status Status)> StartAsync(BrokerService.BrokerServiceClient client, string policy = "")
    {
        using var call = client.Connect();
        try
        {
            await call.RequestStream.WriteAsync(Requests.StartRequest("localhost", policy)).WaitAsync(TestTimeouts.Step);
        }
        catch (RpcException)
        {
            // A call refused before the service runs may end while the request is still on its way; the status says why.
        }

        try
        {
            var more = await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step);
            return more ? (call.ResponseStream.Current, Status.DefaultSuccess) : (null, call.GetStatus());
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Internal)
        {
            return (null, error.Status);
        }
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Chain sent, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
