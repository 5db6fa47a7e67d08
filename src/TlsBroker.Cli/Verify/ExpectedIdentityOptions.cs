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
        DnsNames = new Option<ExpectedIdentity[]>("--servername")
        {
            HelpName = "NAME",
            Description = "DNS name the certificate must match (openssl verify -verify_hostname); repeatable: any one of them.",
            CustomParser = result => ParseServerNames(result, ip: false),
        };
        IpAddresses = new Option<ExpectedIdentity[]>("--ip")
        {
            HelpName = "ADDRESS",
            Description = "IP address the certificate must match (openssl verify -verify_ip); repeatable: any one of them.",
            CustomParser = result => ParseServerNames(result, ip: true),
        };
        Emails = new Option<ExpectedIdentity[]>("--email")
        {
            HelpName = "ADDRESS",
            Description = "Email address the certificate must name in an rfc822Name subjectAltName (openssl verify -verify_email); repeatable: any one of them.",
            CustomParser = result => Parse(result, IdentityKind.Email, "an email address"),
        };
        Uris = new Option<ExpectedIdentity[]>("--uri")
        {
            HelpName = "URI",
            Description = "URI the certificate must name in a uniformResourceIdentifier subjectAltName; a spiffe:// URI is a SPIFFE ID and held to its rules; repeatable: any one of them.",
            CustomParser = result => Parse(result, IdentityKind.Uri, "a URI"),
        };
    }

    public Option<ExpectedIdentity[]> DnsNames { get; }

    public Option<ExpectedIdentity[]> IpAddresses { get; }

    public Option<ExpectedIdentity[]> Emails { get; }

    public Option<ExpectedIdentity[]> Uris { get; }

    public IEnumerable<Option<ExpectedIdentity[]>> All => [DnsNames, IpAddresses, Emails, Uris];

    public ExpectedIdentities Read(ParseResult parseResult)
    {
        var kinds = new List<IReadOnlyList<ExpectedIdentity>>();
        foreach (var option in All)
        {
            if (parseResult.GetValue(option) is { Length: > 0 } names)
            {
                kinds.Add(names);
            }
        }

        return new ExpectedIdentities(kinds);
    }

    private static ExpectedIdentity[] ParseServerNames(ArgumentResult result, bool ip)
    {
        var identities = new List<ExpectedIdentity>();
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
                identities.Add(ExpectedIdentity.For(identity));
            }
        }

        return [.. identities];
    }

    private static ExpectedIdentity[] Parse(ArgumentResult result, IdentityKind kind, string what)
    {
        var identities = new List<ExpectedIdentity>();
        foreach (var token in result.Tokens)
        {
            if (ExpectedIdentity.TryParse(kind, token.Value, out var identity, out var error))
            {
                identities.Add(identity!);
            }
            else
            {
                result.AddError($"'{token.Value}' is not {what}: {error}");
            }
        }

        return [.. identities];
    }
}
