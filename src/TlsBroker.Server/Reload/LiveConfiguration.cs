using Microsoft.Extensions.Options;
using TlsBroker.Core.Policy;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Policies;
using TlsBroker.Server.Resumption;

namespace TlsBroker.Server.Reload;

/// <summary>
/// The configuration in force, and the one place that replaces it. A load binds the Broker section
/// (every <see cref="IValidateOptions{TOptions}"/> runs), builds every changed policy (an unchanged one is
/// kept, with its verified-chain cache) and the resumption keys into a new <see cref="BrokerSnapshot"/>,
/// and swaps it in whole; a load with any problem changes
/// nothing and returns every problem. <see cref="IOptionsMonitor{TOptions}"/> of
/// <see cref="BrokerOptions"/> serves <see cref="Current"/> (<see cref="LiveOptionsMonitor"/>), so
/// every reader sees the last valid configuration, never a validation exception.
/// </summary>
internal sealed class LiveConfiguration(
    IOptionsFactory<BrokerOptions> factory,
    IConfiguration configuration,
    ConfigFileProblems fileProblems,
    TimeProvider timeProvider)
{
    private readonly Lock gate = new();
    private volatile BrokerSnapshot? current;
    private volatile BrokerSnapshot? startup;

    /// <summary>Raised after a new snapshot is in force (not for the first one).</summary>
    public event Action<BrokerSnapshot>? Applied;

    /// <summary>The configuration in force; loads it the first time (throwing <see cref="OptionsValidationException"/> listing every problem when invalid).</summary>
    public BrokerSnapshot Current => current ?? LoadInitial();

    /// <summary>The configuration the broker started with: its listen address, ports and MaxMessageBytes are the ones in effect until a restart.</summary>
    public BrokerSnapshot AtStartup => startup ?? LoadInitial();

    /// <summary>Loads the start-up configuration once; later calls return it. Invalid: <see cref="OptionsValidationException"/> with every problem, one per failure.</summary>
    public BrokerSnapshot LoadInitial()
    {
        lock (gate)
        {
            if (current is { } loaded)
            {
                return loaded;
            }

            if (!TryBuild(previous: null, out var snapshot, out var problems))
            {
                throw new OptionsValidationException(Options.DefaultName, typeof(BrokerOptions), problems);
            }

            startup = snapshot!;
            current = snapshot!;
            return snapshot!;
        }
    }

    /// <summary>
    /// Builds the configuration as it is now and puts it in force when valid and different from the
    /// one in force (or always when <paramref name="force"/>: files such as the system CA store are not compared).
    /// </summary>
    public ReloadResult Reload(bool force)
    {
        lock (gate)
        {
            var previous = Current;

            // A forced reload rebuilds every policy: what "system" trusts is not in the fingerprint.
            if (!TryBuild(force ? null : previous, out var snapshot, out var problems))
            {
                return ReloadResult.Rejected(problems);
            }

            var change = snapshot!.Fingerprint.Since(previous.Fingerprint);
            if (change.IsEmpty && !force)
            {
                return ReloadResult.Unchanged;
            }

            current = snapshot;
            Applied?.Invoke(snapshot);
            return ReloadResult.Applied(change);
        }
    }

    /// <summary>The Broker section as bound now, unvalidated: which files the configuration being tried reads, also when it is invalid.</summary>
    public BrokerOptions ReadUnvalidated() => UnvalidatedOptions.TryRead(configuration) ?? new BrokerOptions();

    private bool TryBuild(BrokerSnapshot? previous, out BrokerSnapshot? snapshot, out List<string> problems)
    {
        snapshot = null;
        problems = fileProblems.Collect();
        BrokerOptions? options = null;
        try
        {
            options = factory.Create(Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
        catch (InvalidOperationException e)
        {
            // The binder's "Failed to convert configuration value at 'Broker:Port' to type 'System.Int32'."
            problems.Add(e.Message);
        }

        if (problems.Count > 0 || options is null)
        {
            return false;
        }

        try
        {
            // Read before the policies: a file replaced while they load then differs from its digest, and the next reload sees it.
            var fingerprint = ConfigurationFingerprint.Of(options);
            var policies = new PolicyCatalog(options, name =>
                previous is not null && fingerprint.SamePolicy(previous.Fingerprint, name) && previous.Policies.TryGet(name, out var kept) ? kept : null);
            snapshot = new BrokerSnapshot(options, policies, new ResumptionTokens(options.Resumption, timeProvider), fingerprint);
            return true;
        }
        catch (PolicyConfigurationException e)
        {
            // A file changed between validation and this build.
            problems.AddRange(e.Problems.Select(problem => $"{BrokerOptions.SectionName}:Policies:{e.PolicyName}: {problem}"));
            return false;
        }
    }
}
