using System.Reflection;
using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Engine;

/// <summary>
/// Lets an established session drop BouncyCastle's parsed copy of the server's chain. BouncyCastle (2.7) keeps
/// it for the connection's lifetime twice, in the SecurityParameters and in the TlsSession's SessionParameters:
/// its ASN.1 trees cost about 9–10 KiB per idle session (measured with dotnet-gcdump at 5,600 sessions), more
/// than anything else a session holds. Nothing reads it after the handshake: the session keeps the chain as DER
/// (<see cref="TlsClientSession.PeerCertificates"/>), resumption has taken its state, the TLS 1.2 key block is
/// computed, and a renegotiation, which would bring a new chain, is refused. Both fields are private, so they are
/// reached by reflection, found once at start-up: a BouncyCastle upgrade that renames them fails every session's
/// first use of this type loudly (and its unit test), rather than silently keeping the memory.
/// </summary>
internal static class PeerCertificateRelease
{
    private const BindingFlags InstanceField = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly FieldInfo SecurityParametersField = typeof(SecurityParameters).GetField("m_peerCertificate", InstanceField)
        ?? throw new MissingFieldException(nameof(SecurityParameters), "m_peerCertificate");

    private static readonly FieldInfo SessionParametersField = typeof(SessionParameters).GetField("m_peerCertificate", InstanceField)
        ?? throw new MissingFieldException(nameof(SessionParameters), "m_peerCertificate");

    private static readonly FieldInfo SessionField = typeof(TlsUtilities).Assembly.GetType("Org.BouncyCastle.Tls.TlsSessionImpl")?.GetField("m_sessionParameters", InstanceField)
        ?? throw new MissingFieldException("Org.BouncyCastle.Tls.TlsSessionImpl", "m_sessionParameters");

    /// <summary>Call once the handshake's results are taken (summary, resumption state, key block).</summary>
    public static void Release(SecurityParameters parameters, TlsSession? session)
    {
        SecurityParametersField.SetValue(parameters, null);
        if (session is not null && SessionField.DeclaringType!.IsInstanceOfType(session) && SessionField.GetValue(session) is SessionParameters kept)
        {
            SessionParametersField.SetValue(kept, null);
        }
    }
}
