namespace TlsBroker.Testing.Pki;

/// <summary>One <see cref="RevocationPki"/> (an <c>openssl ca</c> with its responses and CRLs) shared by a test class.</summary>
public sealed class RevocationPkiFixture : IAsyncLifetime
{
    private RevocationPki? pki;

    public RevocationPki Pki => pki ?? throw new InvalidOperationException("the fixture is not initialised");

    public async Task InitializeAsync() => pki = await RevocationPki.CreateAsync().WaitAsync(TlsBroker.Testing.TestTimeouts.Scenario);

    public async Task DisposeAsync()
    {
        if (pki is not null)
        {
            await pki.DisposeAsync();
        }
    }
}
