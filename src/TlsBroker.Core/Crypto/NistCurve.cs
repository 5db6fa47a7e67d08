using System.Security.Cryptography;

namespace TlsBroker.Core.Crypto;

/// <summary>A NIST prime curve as .NET names it, with the byte length of its field elements.</summary>
internal sealed record NistCurve(ECCurve Curve, int FieldBytes);
