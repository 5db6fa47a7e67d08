using Google.Protobuf;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Verification;
using CorePinStatus = TlsBroker.Core.Verification.PinStatus;
using WirePinStatus = TlsBroker.Contracts.V1.PinStatus;

namespace TlsBroker.Server.Mapping;

/// <summary>Maps one <see cref="VerificationResult"/> to the Verify RPC's answer.</summary>
internal static class VerifyResponseMapper
{
    public static VerifyResponse ToWire(VerificationResult result)
    {
        var response = new VerifyResponse
        {
            Verify = ConnectResponseMapper.ToWire(result.Outcome),
            Reason = result.Outcome.Reason,
            Pins = new PinResult
            {
                Status = ToWire(result.Pins.Status),
                Depth = result.Pins.Depth,
                Pin = result.Pins.Pin,
            },
        };
        response.Path.AddRange(result.Path.Select(ByteString.CopyFrom));
        return response;
    }

    private static WirePinStatus ToWire(CorePinStatus status) => status switch
    {
        CorePinStatus.NotConfigured => WirePinStatus.NotConfigured,
        CorePinStatus.Matched => WirePinStatus.Matched,
        CorePinStatus.NoMatch => WirePinStatus.NoMatch,
        CorePinStatus.NotChecked => WirePinStatus.NotChecked,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "a pin status the contract does not know"),
    };
}
