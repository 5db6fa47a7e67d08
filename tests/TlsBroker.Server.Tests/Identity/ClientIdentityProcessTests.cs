using System.Runtime.Versioning;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Verification;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Identity;

/// <summary>
/// The built broker, configured by environment variables as README says, holding a client identity and pins:
/// mutual TLS with <c>openssl s_server -Verify 1</c>, a pin mismatch, and no trace of the private key anywhere.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Functional")]
public sealed class ClientIdentityProcessTests
{
    private const string PasswordVariable = "TLSBROKER_TEST_CLIENT_KEY_PASSWORD";

    [Fact]
    public async Task Program_ClientIdentityFromConfiguration_MutualTlsAndNoKeyInOutputOrResponses()
    {
        using var chain = TestChain.Create();
        using var clientCa = TestClientCa.Create();
        var identity = clientCa.Issue(KeyKind.EcdsaP256, "broker-client");
        var password = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var keyPath = identity.WriteKey(ClientKeyFormat.EncryptedPkcs8, password);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var unrelatedPin = Convert.ToBase64String(new byte[32]);

        await using var broker = await BrokerProcess.StartAsync(
        [
            $"{PasswordVariable}={password}",
            "Logging__LogLevel__Default=Debug",
            $"Broker__Policies__default__TrustAnchors={chain.RootPath}",
            $"Broker__Policies__mtls__TrustAnchors={chain.RootPath}",
            $"Broker__Policies__mtls__ClientIdentity__CertificateFile={identity.CertificatePath}",
            $"Broker__Policies__mtls__ClientIdentity__KeyFile={keyPath}",
            $"Broker__Policies__mtls__ClientIdentity__PasswordEnvironmentVariable={PasswordVariable}",
            $"Broker__Policies__mtls__Pins__0={ServerPins.PinOf(chain.Root.Certificate)}",
            $"Broker__Policies__wrongpin__TrustAnchors={chain.RootPath}",
            $"Broker__Policies__wrongpin__Pins__0={unrelatedPin}",
        ]);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var brokerClient = new BrokerService.BrokerServiceClient(channel);
        var responses = new List<ConnectResponse>();

        foreach (var version in new[] { "-tls1_3", "-tls1_2" })
        {
            await using var server = await OpenSslServer.StartAsync(chain, version, "-Verify", "1", "-CAfile", clientCa.RootPath);
            await using var client = await ForwardingClient.ConnectAsync(brokerClient, server.Port, Requests.Start("localhost", "mtls"));
            await client.WriteAsync("ping\n"u8.ToArray());
            responses.AddRange(client.Responses);

            Assert.True(client.IsEstablished, $"{version}: {client.Handshake.Reason}\nbroker said:\n{broker.Output}\ns_server said:\n{server.Output}");
            Assert.True(client.Handshake.Established.ClientCertificateSent, version);
            await server.WaitForLineAsync("ping");
            Assert.Contains("Client certificate", server.Output.Split('\n').Select(line => line.Trim()));
            Assert.Contains(server.Output.Split('\n'), line => line.StartsWith("subject=", StringComparison.Ordinal) && line.Contains("CN = broker-client", StringComparison.Ordinal));
        }

        await using (var server = await OpenSslServer.StartAsync(chain))
        await using (var client = await ForwardingClient.ConnectAsync(brokerClient, server.Port, Requests.Start("localhost", "wrongpin")))
        {
            Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
            responses.AddRange(client.Responses);
            Assert.Equal((-1, SslError.Ssl, 65, "X509_V_ERR_DANE_NO_MATCH"), (client.Handshake.Ret, client.Handshake.Error, client.Handshake.Verify.Code, client.Handshake.Verify.Name));
            Assert.Equal((42, true), (client.Handshake.Alert.Description, client.Handshake.Alert.Sent));
        }

        var output = broker.Output;
        Assert.Contains("presents the client certificate", output, StringComparison.Ordinal);
        Assert.Contains($"'{keyPath}' is readable by every user", output, StringComparison.Ordinal);
        var texts = responses.Select(r => r.ToString()).Append(output).ToList();
        var forms = identity.SecretForms().Append(password).ToList();
        Assert.Contains(forms[0], await File.ReadAllTextAsync(identity.KeyPath), StringComparison.Ordinal);
        Assert.All(forms, secret => Assert.All(texts, text => Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase)));
        Assert.All(responses, response => Assert.Equal(-1, IndexOf(response.ToByteArray(), identity.PrivateScalar)));
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
