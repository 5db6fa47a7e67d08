namespace TlsBroker.Core.Identity;

internal enum ClientKeyAlgorithm
{
    EcdsaP256,
    EcdsaP384,
    Rsa,
    Ed25519,
}
