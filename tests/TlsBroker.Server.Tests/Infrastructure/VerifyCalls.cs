using Google.Protobuf;
using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>Verify calls as tests make them: the chain as its server sends it (leaf, then intermediate), bounded by <see cref="TestTimeouts.Step"/>.</summary>
internal static class VerifyCalls
{
    public static VerifyRequest Request(TestChain chain, string serverName, string policy = "") =>
        Request([chain.Leaf, chain.Intermediate], serverName, policy);

    public static VerifyRequest Request(IEnumerable<TestCertificate> certificates, string serverName, string policy = "")
    {
        var request = new VerifyRequest { ServerName = serverName, Policy = policy };
        request.Certificates.AddRange(certificates.Select(c => ByteString.CopyFrom(c.Der)));
        return request;
    }

    public static async Task<VerifyResponse> VerifyAsync(BrokerService.BrokerServiceClient client, VerifyRequest request) =>
        await client.VerifyAsync(request, deadline: DateTime.UtcNow.Add(TestTimeouts.Step));

    /// <summary>The status the call ended with: OK when it answered, else the error's.</summary>
    public static async Task<Status> StatusOfAsync(BrokerService.BrokerServiceClient client, VerifyRequest request)
    {
        try
        {
            await VerifyAsync(client, request);
            return Status.DefaultSuccess;
        }
        catch (RpcException error)
        {
            return error.Status;
        }
    }
}
