using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// API keys never appear in what the broker says: a run with every kind of call (a session with
/// data, a wrong key close to the real one, a malformed header carrying the key, a policy not
/// granted, a caller over its limit), every log entry at every level (with exceptions) and every
/// response and status searched for each key as text, as its raw bytes in hex and in base64.
/// </summary>
[Trait("Category", "Functional")]
public sealed class ApiKeyLeakTests
{
    [Fact]
    public async Task Connect_EveryKindOfCall_NoKeyInLogsOrResponses()
    {
        using var chain = TestChain.Create();
        var key = ApiKeys.NewKey();
        var nearMiss = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        var logs = new CapturingLoggerProvider();
        await using var broker = await BrokerHost.StartAsync(
            [
                "Logging:LogLevel:Default=Trace",
                $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
                $"Broker:Policies:internal:TrustAnchors={chain.RootPath}",
                $"Broker:Callers:billing:ApiKeyHashes:0={ApiKeys.Hash(key)}",
                "Broker:Callers:billing:Policies:0=default",
                "Broker:Callers:billing:MaxConcurrentSessions=1",
            ],
            builder => builder.Services.AddSingleton<ILoggerProvider>(logs));
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var billing = CallerClients.WithApiKey(channel, key);
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        var said = new List<byte[]>();

        await using (var session = await ForwardingClient.ConnectAsync(billing, server.Port, Requests.Start("localhost")))
        {
            await session.WriteAsync(Encoding.ASCII.GetBytes("hello\n"));
            await session.ReadAsync(received => received.ToArray().Contains((byte)'\n'));
            var (_, overLimit) = await CallerClients.StartAsync(billing);
            Assert.Equal(StatusCode.ResourceExhausted, overLimit.StatusCode);
            said.Add(Encoding.UTF8.GetBytes(overLimit.Detail));
            await session.CompleteAsync();
            said.AddRange(session.Responses.Select(response => response.ToByteArray()));
        }

        foreach (var client in new[]
        {
            CallerClients.WithApiKey(channel, nearMiss),
            CallerClients.WithAuthorization(channel, "Basic " + key),
            CallerClients.WithAuthorization(channel, "Bearer " + key + " extra"),
        })
        {
            var (_, status) = await CallerClients.StartAsync(client);
            Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
            said.Add(Encoding.UTF8.GetBytes(status.ToString()));
        }

        await broker.WaitForActiveSessionsAsync(0);
        var (_, notGranted) = await CallerClients.StartAsync(billing, "internal");
        Assert.Equal(StatusCode.PermissionDenied, notGranted.StatusCode);
        said.Add(Encoding.UTF8.GetBytes(notGranted.ToString()));
        said.AddRange(logs.Entries.Select(entry => Encoding.UTF8.GetBytes(
            $"{entry.Message} {string.Join(' ', entry.Values.Select(value => $"{value.Key}={value.Value}"))} {entry.Exception}")));

        // The search does see what was said: the caller's name and the records sent are in it.
        Assert.Contains(logs.Entries, entry => entry.EventId.Id == 203);
        Assert.Contains(said, text => text.AsSpan().IndexOf("'billing'"u8) >= 0);
        foreach (var secret in new[] { key, nearMiss })
        {
            foreach (var form in Forms(secret))
            {
                Assert.DoesNotContain(said, text => text.AsSpan().IndexOf(form) >= 0);
            }
        }
    }

    /// <summary>The key as sent, its raw 32 bytes, and those bytes in hex (both cases) and standard base64.</summary>
    private static IEnumerable<byte[]> Forms(string key)
    {
        var raw = Convert.FromBase64String(key.Replace('-', '+').Replace('_', '/') + "=");
        yield return Encoding.UTF8.GetBytes(key);
        yield return raw;
        yield return Encoding.ASCII.GetBytes(Convert.ToHexStringLower(raw));
        yield return Encoding.ASCII.GetBytes(Convert.ToHexString(raw));
        yield return Encoding.ASCII.GetBytes(Convert.ToBase64String(raw).TrimEnd('='));
    }
}
