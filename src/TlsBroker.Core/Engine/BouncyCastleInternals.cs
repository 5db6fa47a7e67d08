using System.Reflection;
using System.Runtime.CompilerServices;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Engine;

/// <summary>
/// The one place that reaches into BouncyCastle's private and internal members (written against BouncyCastle.Cryptography
/// 2.7.0, the version Directory.Packages.props pins). Each is needed for something BouncyCastle does not expose:
/// <list type="bullet">
/// <item><c>TlsProtocol.m_applicationDataQueue</c>: received application data sits in a queue that grows to the largest
/// record it held and has no public way to shrink, which an idle session would keep (<see cref="BrokerClientProtocol.TakePlaintext"/>).</item>
/// <item><c>TlsProtocol.m_handshakeHash</c>: the transcript through the client Finished, for TLS 1.3's
/// resumption_master_secret (RFC 8446 §7.1), which BouncyCastle does not derive.</item>
/// <item><c>TlsClientProtocol.m_clientBinders</c> and its <c>m_earlySecrets</c>: the early secret of the offered PSK, replaced
/// so that its binder key is a "res binder" one (RFC 8446 §4.2.11.2); BouncyCastle offers PSKs as external ones only.</item>
/// <item><c>TlsProtocol.m_recordStream</c>, its <c>m_readSeqNo</c> and <c>m_writeSeqNo</c> (<c>SequenceNumber.CurrentValue</c>),
/// and <c>TlsProtocol.m_keyUpdatePendingSend</c>: the record-layer state key export hands to the caller.</item>
/// <item><c>SecurityParameters.m_peerCertificate</c>, and <c>m_peerCertificate</c> of the <c>SessionParameters</c> an internal
/// <c>TlsSessionImpl</c> keeps in <c>m_sessionParameters</c>: BouncyCastle holds its parsed copy of the server's chain twice for
/// the connection's lifetime, and has no way to let it go (<see cref="ReleasePeerCertificates"/>).</item>
/// </list>
/// Every member is resolved when this class is first used and a missing one throws by name;
/// <c>BouncyCastleInternalsTests</c> reads each one, so a BouncyCastle upgrade that renames, moves or retypes any of them
/// fails there, by name, rather than as a wrong binder or wrong sequence numbers.
/// </summary>
internal static class BouncyCastleInternals
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly FieldInfo ClientBindersField = Require(typeof(TlsClientProtocol), "m_clientBinders");
    private static readonly FieldInfo EarlySecretsField = Require(ClientBindersField.FieldType, "m_earlySecrets", typeof(TlsSecret[]));
    private static readonly FieldInfo RecordStreamField = Require(typeof(TlsProtocol), "m_recordStream");
    private static readonly FieldInfo ReadSequenceField = Require(RecordStreamField.FieldType, "m_readSeqNo");
    private static readonly FieldInfo WriteSequenceField = Require(RecordStreamField.FieldType, "m_writeSeqNo");
    private static readonly FieldInfo KeyUpdatePendingSendField = Require(typeof(TlsProtocol), "m_keyUpdatePendingSend", typeof(bool));
    private static readonly FieldInfo SessionParametersField = Require(
        typeof(TlsUtilities).Assembly.GetType("Org.BouncyCastle.Tls.TlsSessionImpl") ?? throw new TypeLoadException("Org.BouncyCastle.Tls.TlsSessionImpl not found"),
        "m_sessionParameters",
        typeof(SessionParameters));

    private static readonly PropertyInfo CurrentValue =
        ReadSequenceField.FieldType.GetProperty("CurrentValue", Private) is { PropertyType: var type } property && type == typeof(long)
            ? property
            : throw new MissingMemberException(ReadSequenceField.FieldType.FullName, "CurrentValue (long)");

    /// <summary>Received application data, a queue that keeps its largest size until shrunk.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_applicationDataQueue")]
    public static extern ref ByteQueue ApplicationDataQueue(TlsProtocol protocol);

    /// <summary>The handshake transcript; BouncyCastle resets it when the handshake completes.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_handshakeHash")]
    public static extern ref TlsHandshakeHash HandshakeHash(TlsProtocol protocol);

    /// <summary>
    /// The early secrets of the PSKs the ClientHello being built offers, in offer order; null when it offers none. An internal
    /// type in a private field, which UnsafeAccessor cannot name: read by reflection, once per resumption offered.
    /// </summary>
    public static TlsSecret[]? OfferedEarlySecrets(TlsClientProtocol protocol) =>
        ClientBindersField.GetValue(protocol) is { } binders ? (TlsSecret[])EarlySecretsField.GetValue(binders)! : null;

    /// <summary>Sequence numbers of the next record to read and to write under the current keys (reset at each key change).</summary>
    public static (long Read, long Write) SequenceNumbers(TlsProtocol protocol)
    {
        var stream = RecordStreamField.GetValue(protocol)!;
        return ((long)CurrentValue.GetValue(ReadSequenceField.GetValue(stream))!, (long)CurrentValue.GetValue(WriteSequenceField.GetValue(stream))!);
    }

    /// <summary>RFC 8446 §4.6.3: a KeyUpdate with update_requested was received and ours is not sent yet (TlsProtocol defers it to the next write).</summary>
    public static bool KeyUpdateOwed(TlsProtocol protocol) => (bool)KeyUpdatePendingSendField.GetValue(protocol)!;

    /// <summary>
    /// Drops BouncyCastle's parsed copy of the server's chain, which it keeps in the security parameters and in the session's
    /// stored parameters: its ASN.1 trees cost about 9–10 KiB per idle session (dotnet-gcdump at 5,600 sessions), more than
    /// anything else a session holds. Call once the handshake's results are taken (summary, resumption state, TLS 1.2 key block):
    /// nothing reads it after that, the session keeps the chain as DER, and a renegotiation, which would bring a new chain, is refused.
    /// </summary>
    public static void ReleasePeerCertificates(SecurityParameters parameters, TlsSession? session)
    {
        SecurityParametersPeerCertificate(parameters) = null!;
        if (session is not null && SessionParametersField.DeclaringType!.IsInstanceOfType(session) && SessionParametersField.GetValue(session) is SessionParameters kept)
        {
            SessionParametersPeerCertificate(kept) = null!;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_peerCertificate")]
    private static extern ref Certificate SecurityParametersPeerCertificate(SecurityParameters parameters);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_peerCertificate")]
    private static extern ref Certificate SessionParametersPeerCertificate(SessionParameters parameters);

    private static FieldInfo Require(Type type, string name, Type? fieldType = null) =>
        type.GetField(name, Private) is { } field && (fieldType is null || field.FieldType == fieldType)
            ? field
            : throw new MissingFieldException(type.FullName, fieldType is null ? name : $"{name} ({fieldType.Name})");
}
