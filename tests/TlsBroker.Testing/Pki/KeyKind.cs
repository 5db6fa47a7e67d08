namespace TlsBroker.Testing.Pki;

public enum KeyKind
{
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Rsa1024,
    EcdsaP521,
}
