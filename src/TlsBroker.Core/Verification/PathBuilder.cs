using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>
/// RFC 4158 path building from the server's certificate towards the policy's trust anchors. Every
/// certificate whose subject is the issuer name of the one below (an anchor, or any certificate the
/// server sent, in any order) is a candidate issuer; candidates are tried depth-first with
/// backtracking, so a path that verifies is found even when the first candidate leads nowhere
/// (cross-signed intermediates, an expired twin, an unrelated extra certificate).
/// </summary>
/// <remarks>
/// Candidates are ordered as RFC 4158 §3 suggests: trust anchors first (OpenSSL's trusted-first),
/// then a matching key identifier, then validity at the verification time, then the order sent; of
/// those, the ones whose signature the candidate's key verifies go before the ones it does not.
/// Key identifiers only order the search (RFC 5280 §4.2.1.1: the AKI "facilitates" finding the key;
/// the signature decides). A certificate whose subject and key are already in the path closes a loop
/// and is not a candidate (RFC 4158 §5.2). The search is bounded by <see cref="PathBudget"/>.
/// </remarks>
internal sealed class PathBuilder
{
    private readonly PathNode leaf;
    private readonly List<PathNode> sent;
    private readonly TrustAnchors anchors;
    private readonly DateTimeOffset now;
    private readonly int maxPathLength;
    private readonly Dictionary<X509Certificate2, PathNode> anchorNodes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(PathNode Child, PathNode Issuer), bool?> signatures = [];

    /// <param name="maxPathLength">Certificates in one path, anchor included; at most <see cref="PathBudget.MaxPathLength"/>.</param>
    public PathBuilder(IReadOnlyList<X509Certificate2> sentChain, TrustAnchors anchors, DateTimeOffset now, int maxPathLength = PathBudget.MaxPathLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPathLength, PathBudget.MaxPathLength);
        this.anchors = anchors;
        this.now = now;
        this.maxPathLength = maxPathLength;
        sent = sentChain.Select((certificate, index) => new PathNode(certificate, anchors.Contains(certificate), index)).ToList();
        leaf = sent[0];
    }

    public PathBudget Budget { get; } = new();

    /// <summary>Candidate paths, most promising first, until one is accepted or the budget is spent.</summary>
    public IEnumerable<CandidatePath> Paths() => Extend([leaf]);

    private IEnumerable<CandidatePath> Extend(List<PathNode> path)
    {
        var top = path[^1];
        if (top.IsAnchor)
        {
            return Yield(path, endsAtAnchor: true, tooLong: false);
        }

        if (path.Count >= maxPathLength)
        {
            return Yield(path, endsAtAnchor: false, tooLong: true);
        }

        return Budget.TryTakeIssuerLookup() ? ExtendThroughIssuers(path, top) : [];
    }

    private IEnumerable<CandidatePath> ExtendThroughIssuers(List<PathNode> path, PathNode top)
    {
        var candidates = CandidateIssuers(top, path);
        if (candidates.Count == 0)
        {
            foreach (var deadEnd in Yield(path, endsAtAnchor: false, tooLong: false))
            {
                yield return deadEnd;
            }

            yield break;
        }

        // A candidate whose key does not verify the signature is tried only after the others: its
        // path fails (certificate signature failure) but may still be the one that got furthest.
        var notSigning = new List<PathNode>();
        foreach (var issuer in candidates)
        {
            if (IsSignedBy(top, issuer) == false)
            {
                notSigning.Add(issuer);
                continue;
            }

            foreach (var candidate in Descend(path, issuer))
            {
                yield return candidate;
            }

            if (Budget.Exhausted)
            {
                yield break;
            }
        }

        foreach (var issuer in notSigning)
        {
            foreach (var candidate in Descend(path, issuer))
            {
                yield return candidate;
            }

            if (Budget.Exhausted)
            {
                yield break;
            }
        }
    }

    private IEnumerable<CandidatePath> Descend(List<PathNode> path, PathNode issuer)
    {
        path.Add(issuer);
        foreach (var candidate in Extend(path))
        {
            yield return candidate;
        }

        path.RemoveAt(path.Count - 1);
    }

    private IEnumerable<CandidatePath> Yield(List<PathNode> path, bool endsAtAnchor, bool tooLong)
    {
        if (Budget.TryTakeCandidatePath())
        {
            yield return new CandidatePath([.. path.Select(node => node.Certificate)], endsAtAnchor, tooLong);
        }
    }

    private List<PathNode> CandidateIssuers(PathNode child, List<PathNode> path)
    {
        var found = new List<PathNode>();
        foreach (var anchor in anchors.IssuersNamedBy(child.Certificate))
        {
            found.Add(AnchorNode(anchor));
        }

        found.AddRange(sent.Where(node => node.SubjectKey == child.IssuerKey));
        return found
            .Where((node, index) => !found.Take(index).Any(node.IsSameCertificate))
            .Where(node => !path.Exists(node.HasSameSubjectAndKey))
            .OrderBy(node => node.IsAnchor ? 0 : 1)
            .ThenBy(child.KeyIdentifierRank)
            .ThenBy(node => node.IsValidAt(now) ? 0 : 1)
            .ThenBy(node => node.Order)
            .ToList();
    }

    private bool? IsSignedBy(PathNode child, PathNode issuer)
    {
        if (signatures.TryGetValue((child, issuer), out var known))
        {
            return known;
        }

        if (!Budget.TryTakeSignatureCheck())
        {
            return null;
        }

        var verdict = child.IsSignedBy(issuer);
        signatures[(child, issuer)] = verdict;
        return verdict;
    }

    private PathNode AnchorNode(X509Certificate2 anchor)
    {
        if (!anchorNodes.TryGetValue(anchor, out var node))
        {
            node = new PathNode(anchor, isAnchor: true, order: -1);
            anchorNodes[anchor] = node;
        }

        return node;
    }
}
