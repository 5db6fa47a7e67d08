using Google.Protobuf.Collections;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Verification;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Reload;
using WireIdentity = TlsBroker.Contracts.V1.ExpectedIdentity;

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
        ServerIdentity? identity = null;
        if (request.ServerName.Length > 0 && !ServerIdentity.TryParse(request.ServerName, out identity, out var error))
        {
            throw BrokerErrors.InvalidServerName(request.ServerName, error);
        }

        var required = ParseIdentities(request.ExpectedIdentities);
        if (request.Policy.Length > 0 && !PolicyName.IsValid(request.Policy))
        {
            throw BrokerErrors.InvalidPolicyName(request.Policy);
        }

        if (!live.Current.Policies.TryGet(request.Policy, out var policy) || !caller.MayUse(policy.Name))
        {
            throw BrokerErrors.PolicyNotGranted(request.Policy);
        }

        // A handshake always has a server name to prove; here it may be left out only when something else is proven.
        if (identity is null && required.Count == 0 && policy.Verifier.Requirements.Identities.CheckServerName)
        {
            throw BrokerErrors.InvalidServerName(request.ServerName, "server name is empty, and so is expected_identities: name what the certificate must prove");
        }

        if (identity is not null && !policy.AllowsServerName(identity))
        {
            throw BrokerErrors.ServerNameOutsidePolicy(request.ServerName, policy.Name);
        }

        foreach (var name in required.Where(e => e.Kind is IdentityKind.Dns or IdentityKind.IpAddress))
        {
            if (ServerIdentity.TryParse(name.Value, out var server, out _) && !policy.AllowsServerName(server!))
            {
                throw BrokerErrors.ServerNameOutsidePolicy(name.Value, policy.Name);
            }
        }

        if (request.Certificates.Count == 0)
        {
            throw BrokerErrors.NoCertificates();
        }

        var chain = request.Certificates.Select(der => der.ToByteArray()).ToArray();
        var outcome = policy.Verifier.Verify(chain, new IdentityExpectation(identity, required), timeProvider.GetUtcNow());
        return new VerifyResponse
        {
            Verify = ConnectResponseMapper.ToWire(outcome),
            Reason = outcome.Reason,
        };
    }

    private static List<Core.Verification.ExpectedIdentity> ParseIdentities(RepeatedField<WireIdentity> wire)
    {
        if (wire.Count > IdentityExpectation.MaxRequired)
        {
            throw BrokerErrors.TooManyExpectedIdentities(wire.Count, IdentityExpectation.MaxRequired);
        }

        var identities = new List<Core.Verification.ExpectedIdentity>(wire.Count);
        for (var i = 0; i < wire.Count; i++)
        {
            var (kind, text) = wire[i].IdentityCase switch
            {
                WireIdentity.IdentityOneofCase.Dns => (IdentityKind.Dns, wire[i].Dns),
                WireIdentity.IdentityOneofCase.Ip => (IdentityKind.IpAddress, wire[i].Ip),
                WireIdentity.IdentityOneofCase.Uri => (IdentityKind.Uri, wire[i].Uri),
                WireIdentity.IdentityOneofCase.SpiffeId => (IdentityKind.SpiffeId, wire[i].SpiffeId),
                WireIdentity.IdentityOneofCase.SpiffeTrustDomain => (IdentityKind.SpiffeTrustDomain, wire[i].SpiffeTrustDomain),
                WireIdentity.IdentityOneofCase.Email => (IdentityKind.Email, wire[i].Email),
                _ => throw BrokerErrors.InvalidExpectedIdentity(i, "no kind is set: set one of dns, ip, uri, spiffe_id, spiffe_trust_domain, email"),
            };
            if (!Core.Verification.ExpectedIdentity.TryParse(kind, text, out var identity, out var error))
            {
                throw BrokerErrors.InvalidExpectedIdentity(i, error);
            }

            identities.Add(identity!);
        }

        return identities;
    }
}
