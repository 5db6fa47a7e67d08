namespace TlsBroker.Testing.Pki;

/// <summary>The PEM forms a client key file may take.</summary>
public enum ClientKeyFormat
{
    /// <summary>"PRIVATE KEY" (RFC 5208).</summary>
    Pkcs8,

    /// <summary>"ENCRYPTED PRIVATE KEY" (RFC 5958), PBES2 with AES-256-CBC.</summary>
    EncryptedPkcs8,

    /// <summary>"EC PRIVATE KEY" (RFC 5915).</summary>
    Sec1,

    /// <summary>"RSA PRIVATE KEY" (RFC 8017 A.1.2).</summary>
    Pkcs1,
}
