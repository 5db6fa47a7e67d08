using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Cli.BrokerConnection;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Verification;
using WireExpectedIdentity = TlsBroker.Contracts.V1.ExpectedIdentity;
using WirePinStatus = TlsBroker.Contracts.V1.PinStatus;

namespace TlsBroker.Cli.Verify;

/// <summary><c>tlsbroker verify</c>: reads the chain, verifies it through the broker or offline, prints the verdict as openssl verify does.</summary>
internal sealed class VerifyRunner(ConsoleStreams console)
{
    /// <returns>0 accepted, 1 rejected, or another of <see cref="ExitCodes"/>.</returns>
    public async Task<int> RunAsync(VerifySettings settings, CancellationToken cancellationToken)
    {
        var chain = CertificateFile.Read("--chain", settings.ChainFile, out var error);
        if (chain is not null && settings.UntrustedFile is { } untrustedFile)
        {
            var untrusted = CertificateFile.Read("--untrusted", untrustedFile, out error);
            chain = untrusted is null ? null : [.. chain, .. untrusted];
        }

        VerifyVerdict? verdict = null;
        if (chain is not null)
        {
            try
            {
                verdict = settings.Offline is { } offline
                    ? OfflineVerifier.Run(offline, settings.Identities, chain, out error)
                    : await CallBrokerAsync(settings, settings.Broker!, chain, cancellationToken);
            }
            catch (RpcException e)
            {
                var (exitCode, message) = Classify(e, settings.Broker!, cancellationToken);
                await console.Error.WriteLineAsync(message);
                return exitCode;
            }
            catch (InvalidDataException e)
            {
                await console.Error.WriteLineAsync(e.Message);
                return ExitCodes.Usage;
            }
        }

        if (verdict is null)
        {
            await console.Error.WriteLineAsync(error);
            return ExitCodes.Usage;
        }

        await using var output = new StreamWriter(console.Output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await VerifyPrinter.PrintAsync(verdict, settings, chain!, output, console.Error);
        return verdict.IsAccepted ? ExitCodes.Success : ExitCodes.VerifyRejected;
    }

    /// <exception cref="InvalidDataException">--api-key-file cannot be read or holds no key.</exception>
    private static async Task<VerifyVerdict> CallBrokerAsync(VerifySettings settings, BrokerConnectionSettings broker, List<byte[]> chain, CancellationToken cancellationToken)
    {
        var (apiKey, apiKeyError) = await ApiKeyFile.ReadAsync(broker.ApiKeyFile, cancellationToken);
        if (apiKeyError is not null)
        {
            throw new InvalidDataException(apiKeyError);
        }

        using var channel = GrpcChannel.ForAddress(broker.Broker, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = broker.Timeout },
        });
        var request = new VerifyRequest { Policy = broker.Policy };
        request.ExpectedIdentities.AddRange(settings.Identities.All.Select(ToWire));
        request.Certificates.AddRange(chain.Select(ByteString.CopyFrom));
        var headers = apiKey is null ? null : new Metadata { { "authorization", $"Bearer {apiKey}" } };
        var response = await new BrokerService.BrokerServiceClient(channel)
            .VerifyAsync(request, headers, DateTime.UtcNow.Add(broker.Timeout), cancellationToken);
        return new VerifyVerdict(
            response.Verify.Code, response.Verify.Depth, response.Reason, response.Path.Select(der => der.ToByteArray()).ToList(), Describe(response.Pins));
    }

    /// <summary>As the request's expected_identities: one of a kind suffices and every kind is required there too, as offline.</summary>
    private static WireExpectedIdentity ToWire(Core.Verification.ExpectedIdentity identity) => identity.Kind switch
    {
        IdentityKind.Dns => new WireExpectedIdentity { Dns = identity.Value },
        IdentityKind.IpAddress => new WireExpectedIdentity { Ip = identity.Value },
        IdentityKind.Email => new WireExpectedIdentity { Email = identity.Value },
        IdentityKind.SpiffeId => new WireExpectedIdentity { SpiffeId = identity.Value },
        IdentityKind.SpiffeTrustDomain => new WireExpectedIdentity { SpiffeTrustDomain = identity.Value },
        _ => new WireExpectedIdentity { Uri = identity.Value },
    };

    private static string Describe(PinResult pins) => OfflineVerifier.Describe(pins.Status switch
    {
        WirePinStatus.Matched => Core.Verification.PinCheck.MatchedAt(pins.Depth, pins.Pin),
        WirePinStatus.NoMatch => Core.Verification.PinCheck.NoMatch,
        WirePinStatus.NotChecked => Core.Verification.PinCheck.NotChecked,
        _ => Core.Verification.PinCheck.NotConfigured,
    });

    private static (int ExitCode, string Message) Classify(RpcException exception, BrokerConnectionSettings broker, CancellationToken cancellationToken) => exception.StatusCode switch
    {
        StatusCode.Cancelled when cancellationToken.IsCancellationRequested => (ExitCodes.Interrupted, "tlsbroker: interrupted"),
        StatusCode.DeadlineExceeded => (ExitCodes.Timeout, $"tlsbroker: the broker did not answer within {broker.Timeout.TotalSeconds:0.###} s"),
        _ => (ExitCodes.BrokerError, $"tlsbroker: broker {broker.Broker} failed: {exception.StatusCode}: {exception.Status.Detail}"),
    };
}
