using System.Security.Cryptography;
using Org.BouncyCastle.X509;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// A policy's validated revocation settings and the check they make on a verified path. The server's own
/// certificate is checked by its stapled OCSP response and, when CRLs are configured, every certificate
/// below the trust anchor by the CRL of its issuer, as <c>openssl verify -crl_check_all</c> does (the anchor
/// itself is trusted as configured). At the server's certificate a verified "good" from either source
/// suffices; "revoked" from either fails in every mode.
/// </summary>
public sealed class RevocationPolicy
{
    private RevocationPolicy(RevocationMode mode, bool ocspStapling, RevocationLists lists)
    {
        Mode = mode;
        OcspStapling = ocspStapling;
        Lists = lists;
        var crlDigest = SHA256.HashData(lists.Crls.SelectMany(crl => crl.GetEncoded()).ToArray());
        Fingerprint = $"revocation={mode};ocsp={ocspStapling};crls={Convert.ToHexString(crlDigest)}";
    }

    public static RevocationPolicy Off { get; } = new(RevocationMode.Off, false, RevocationLists.Empty);

    public RevocationMode Mode { get; }

    public bool OcspStapling { get; }

    public RevocationLists Lists { get; }

    /// <summary>Whether the client sends status_request (RFC 6066 §8) and checks what the server staples.</summary>
    public bool RequestsOcsp => Mode != RevocationMode.Off && OcspStapling;

    /// <summary>A stable text for the verified-chain cache key: a verdict reached under other revocation settings is never reused.</summary>
    internal string Fingerprint { get; }

    /// <summary>Validates <paramref name="options"/> (null: off); adds a problem for each value that is not valid and returns null if there was any.</summary>
    public static RevocationPolicy? Parse(RevocationOptions? options, List<string> problems)
    {
        if (options is null)
        {
            return Off;
        }

        var before = problems.Count;
        RevocationMode? mode = options.Mode.Trim().ToLowerInvariant() switch
        {
            "off" => RevocationMode.Off,
            "soft-fail" => RevocationMode.SoftFail,
            "hard-fail" => RevocationMode.HardFail,
            _ => null,
        };
        if (mode is null)
        {
            problems.Add($"Revocation:Mode '{options.Mode}' is not one of off, soft-fail, hard-fail");
        }

        var lists = RevocationLists.Load(options.CrlFiles, options.CrlFolder, problems);
        var hasCrlSource = options.CrlFiles.Count > 0 || !string.IsNullOrWhiteSpace(options.CrlFolder);
        if (mode == RevocationMode.Off && hasCrlSource)
        {
            problems.Add("Revocation: CrlFiles or CrlFolder is set but Mode is off, so no CRL would be checked; set Mode to soft-fail or hard-fail");
        }

        if (mode is RevocationMode.SoftFail or RevocationMode.HardFail && !options.OcspStapling && !hasCrlSource)
        {
            problems.Add($"Revocation:Mode is {options.Mode} but there is no source of revocation information: enable OcspStapling or give CrlFiles or CrlFolder");
        }

        return problems.Count == before ? new RevocationPolicy(mode!.Value, options.OcspStapling, lists) : null;
    }

    /// <summary>
    /// Checks the path (leaf first, the trust anchor last). A "revoked" fails in every mode; under hard-fail a
    /// certificate with no usable answer fails with its number; under soft-fail the first such one is returned as unverified.
    /// </summary>
    internal RevocationVerdict Check(IReadOnlyList<CertificateFacts> path, byte[]? stapledOcsp, DateTimeOffset now)
    {
        if (Mode == RevocationMode.Off || path.Count < 2)
        {
            return RevocationVerdict.NotChecked;
        }

        var hasCrls = Lists.Crls.Count > 0;
        VerifyOutcome? unverified = null;
        long? currentUntil = null;
        for (var depth = 0; depth < path.Count - 1; depth++)
        {
            if (depth > 0 && !hasCrls)
            {
                break;
            }

            var certificate = Bc(path[depth]);
            var issuer = Bc(path[depth + 1]);
            var status = Status(depth, certificate, issuer, stapledOcsp, hasCrls, now);
            switch (status.State)
            {
                case RevocationState.Good:
                    // A good answer without nextUpdate is current only now: the verdict is not reused.
                    var until = status.NextUpdate?.ToUnixTimeSeconds() ?? now.ToUnixTimeSeconds();
                    currentUntil = currentUntil is { } earlier ? Math.Min(earlier, until) : until;
                    break;
                case RevocationState.Revoked:
                    return new RevocationVerdict(VerifyFailure.At(status.Code, depth, status.Detail), null, null);
                default:
                    var failure = VerifyFailure.At(status.Code, depth, status.Detail);
                    if (Mode == RevocationMode.HardFail)
                    {
                        return new RevocationVerdict(failure, null, null);
                    }

                    unverified ??= failure;
                    break;
            }
        }

        return new RevocationVerdict(null, unverified, currentUntil);
    }

    private RevocationStatus Status(int depth, X509Certificate certificate, X509Certificate issuer, byte[]? stapledOcsp, bool hasCrls, DateTimeOffset now)
    {
        RevocationStatus? ocsp = null;
        if (depth == 0 && OcspStapling)
        {
            ocsp = StapledOcspCheck.Check(stapledOcsp, certificate, issuer, now);
            if (ocsp.State != RevocationState.Unavailable || !hasCrls)
            {
                return ocsp;
            }
        }

        var crl = CrlCheck.Check(Lists, certificate, issuer, now);

        // A stapled response that is there but unusable says more than a CRL that is missing.
        return crl.State == RevocationState.Unavailable && ocsp is { Code: not X509VerifyCode.OcspVerifyNeeded } && crl.Code == X509VerifyCode.UnableToGetCrl
            ? ocsp
            : crl;
    }

    private static X509Certificate Bc(CertificateFacts facts) => new(facts.Certificate.RawData);
}
