using TlsBroker.Contracts.V1;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Verification;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Reload;

namespace TlsBroker.Server.Service;

/// <summary>
/// One Verify call: the request is checked as a Start is (server name, policy name, grant, the
/// policy's server names), then the chain goes to the policy's own <see cref="CertificateVerifier"/>,
/// the one its handshakes use, cache included, so that a chain cannot be accepted by one route
/// and refused by the other.
/// </summary>
internal static class VerifyCall
{
    /// <exception cref="BrokerRejection">The request is malformed or the caller may not use the policy.</exception>
    public static VerifyResponse Run(VerifyRequest request, Caller caller, LiveConfiguration live, TimeProvider timeProvider)
    {
        if (!ServerIdentity.TryParse(request.ServerName, out var identity, out var error))
        {
            throw BrokerErrors.InvalidServerName(request.ServerName, error);
        }

        if (request.Policy.Length > 0 && !PolicyName.IsValid(request.Policy))
        {
            throw BrokerErrors.InvalidPolicyName(request.Policy);
        }

        if (!live.Current.Policies.TryGet(request.Policy, out var policy) || !caller.MayUse(policy.Name))
        {
            throw BrokerErrors.PolicyNotGranted(request.Policy);
        }

        if (!policy.AllowsServerName(identity!))
        {
            throw BrokerErrors.ServerNameOutsidePolicy(request.ServerName, policy.Name);
        }

        if (request.Certificates.Count == 0)
        {
            throw BrokerErrors.NoCertificates();
        }

        var chain = request.Certificates.Select(der => der.ToByteArray()).ToArray();
        return VerifyResponseMapper.ToWire(policy.Verifier.Check(chain, identity!, timeProvider.GetUtcNow()));
    }
}
