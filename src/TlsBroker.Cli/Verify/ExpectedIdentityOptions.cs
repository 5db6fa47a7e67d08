using System.CommandLine;
using System.CommandLine.Parsing;
using TlsBroker.Core.Verification;

namespace TlsBroker.Cli.Verify;

/// <summary>
/// The expected-identity options of <c>tlsbroker verify</c>, one per kind of name, each repeatable; a
/// further kind is one more option in <see cref="All"/>, read by <see cref="Read"/>.
/// </summary>
internal sealed class ExpectedIdentityOptions
{
    public ExpectedIdentityOptions()
    {
        DnsNames = new Option<ServerIdentity[]>("--servername")
        {
            HelpName = "NAME",
            Description = "DNS name the certificate must match (openssl verify -verify_hostname); repeatable: any one of them.",
            CustomParser = result => Parse(result, ip: false),
            AllowMultipleArgumentsPerToken = false,
        };
        IpAddresses = new Option<ServerIdentity[]>("--ip")
        {
            HelpName = "ADDRESS",
            Description = "IP address the certificate must match (openssl verify -verify_ip); repeatable: any one of them.",
            CustomParser = result => Parse(result, ip: true),
            AllowMultipleArgumentsPerToken = false,
        };
    }

    public Option<ServerIdentity[]> DnsNames { get; }

    public Option<ServerIdentity[]> IpAddresses { get; }

    public IEnumerable<Option> All => [DnsNames, IpAddresses];

    public ExpectedIdentities Read(ParseResult parseResult)
    {
        var kinds = new List<IReadOnlyList<ServerIdentity>>();
        foreach (var option in new[] { DnsNames, IpAddresses })
        {
            if (parseResult.GetValue(option) is { Length: > 0 } names)
            {
                kinds.Add(names);
            }
        }

        return new ExpectedIdentities(kinds);
    }

    private static ServerIdentity[] Parse(ArgumentResult result, bool ip)
    {
        var identities = new List<ServerIdentity>();
        foreach (var token in result.Tokens)
        {
            if (!ServerIdentity.TryParse(token.Value, out var identity, out var error))
            {
                result.AddError($"'{token.Value}' is not {(ip ? "an IP address" : "a DNS name")}: {error}");
            }
            else if (identity!.IsIpAddress != ip)
            {
                result.AddError(ip
                    ? $"'{token.Value}' is not an IP address: give a DNS name with --servername"
                    : $"'{token.Value}' is an IP address: give it with --ip");
            }
            else
            {
                identities.Add(identity);
            }
        }

        return [.. identities];
    }
}
