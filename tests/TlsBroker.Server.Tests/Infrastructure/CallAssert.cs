using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>Lockstep exchanges on a bare call (no socket), and assertions on how a call ended.</summary>
internal static class CallAssert
{
    public static async Task<ConnectResponse> ExchangeAsync(AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call, ConnectRequest request)
    {
        await call.RequestStream.WriteAsync(request).WaitAsync(TestTimeouts.Step);
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step), "the broker ended the call instead of answering");
        return call.ResponseStream.Current;
    }

    /// <summary>Sends <paramref name="request"/> and expects the call to end with <paramref name="code"/>; returns the status detail.</summary>
    public static async Task<string> RejectedAsync(AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call, ConnectRequest request, StatusCode code)
    {
        try
        {
            await call.RequestStream.WriteAsync(request).WaitAsync(TestTimeouts.Step);
        }
        catch (RpcException)
        {
            // The broker may end the call while a large message is still on its way; the status says why.
        }

        return await EndsWithAsync(call, code);
    }

    public static async Task<string> EndsWithAsync(AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call, StatusCode code)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));
        Assert.Equal(code, error.StatusCode);
        return error.Status.Detail;
    }
}
