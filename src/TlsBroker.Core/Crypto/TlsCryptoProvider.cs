namespace TlsBroker.Core.Crypto;

/// <summary>Whose cryptography a session's handshake and records run on.</summary>
public enum TlsCryptoProvider
{
    /// <summary>
    /// .NET's System.Security.Cryptography (the platform's native library, OpenSSL on Linux) for
    /// AES-GCM, ChaCha20-Poly1305, ECDH on the NIST curves and ECDSA/RSA signature checks;
    /// BouncyCastle for the rest (X25519, the key schedule, hashing). The default.
    /// </summary>
    DotNet,

    /// <summary>BouncyCastle's managed implementations for everything: for troubleshooting and before/after comparisons.</summary>
    BouncyCastle,
}
