namespace TlsBroker.Core.Identity;

/// <summary>The kinds of client key a policy may hold, and their size for RSA.</summary>
internal readonly record struct ClientKeyKind(ClientKeyAlgorithm Algorithm, int RsaBits = 0)
{
    public bool IsRsa => Algorithm == ClientKeyAlgorithm.Rsa;

    public string Describe() => Algorithm switch
    {
        ClientKeyAlgorithm.EcdsaP256 => "ECDSA P-256",
        ClientKeyAlgorithm.EcdsaP384 => "ECDSA P-384",
        ClientKeyAlgorithm.Rsa => $"RSA {RsaBits}",
        ClientKeyAlgorithm.Ed25519 => "Ed25519",
        _ => Algorithm.ToString(),
    };

    public override string ToString() => Describe();
}
