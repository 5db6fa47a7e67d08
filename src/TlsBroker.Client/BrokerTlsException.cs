namespace TlsBroker.Client;

/// <summary>
/// The TLS session failed: the handshake did not complete, or the broker reported an error in
/// the data phase. <see cref="Result"/> carries the whole status (ret, SSL error, alert, verify
/// result, reason). gRPC failures of the broker itself surface as <c>RpcException</c> instead.
/// </summary>
public sealed class BrokerTlsException : IOException
{
    public BrokerTlsException(BrokerTlsResult result)
        : base(Describe(result))
    {
        Result = result;
    }

    public BrokerTlsResult Result { get; }

    private static string Describe(BrokerTlsResult result)
    {
        var reason = result.Reason.Length == 0 ? "no reason given" : result.Reason;
        return $"TLS session failed: ret={result.Ret} {result.ErrorName}: {reason}";
    }
}
