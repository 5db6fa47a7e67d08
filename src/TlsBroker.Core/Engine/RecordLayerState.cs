using System.Reflection;
using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Engine;

/// <summary>
/// The record-layer state BouncyCastle (2.7) keeps to itself and key export must hand over: the read and write sequence
/// numbers of the current keys (RecordStream, an internal type, resets them at each key change and KeyUpdate), and
/// whether a KeyUpdate answer is owed (TlsProtocol defers it to the next write). The one place that reaches into those
/// fields; <c>RecordLayerStateTests</c> fails on a BouncyCastle whose fields moved.
/// </summary>
internal static class RecordLayerState
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly FieldInfo RecordStreamField = Require(typeof(TlsProtocol), "m_recordStream");
    private static readonly FieldInfo ReadSequenceField = Require(RecordStreamField.FieldType, "m_readSeqNo");
    private static readonly FieldInfo WriteSequenceField = Require(RecordStreamField.FieldType, "m_writeSeqNo");
    private static readonly FieldInfo KeyUpdatePendingSendField = Require(typeof(TlsProtocol), "m_keyUpdatePendingSend");
    private static readonly PropertyInfo CurrentValue =
        ReadSequenceField.FieldType.GetProperty("CurrentValue", Private)
        ?? throw new MissingMemberException(ReadSequenceField.FieldType.FullName, "CurrentValue");

    /// <summary>Sequence numbers of the next record to read and to write.</summary>
    public static (long Read, long Write) SequenceNumbers(TlsProtocol protocol)
    {
        var stream = RecordStreamField.GetValue(protocol)!;
        return ((long)CurrentValue.GetValue(ReadSequenceField.GetValue(stream))!, (long)CurrentValue.GetValue(WriteSequenceField.GetValue(stream))!);
    }

    /// <summary>RFC 8446 §4.6.3: a KeyUpdate with update_requested was received and ours is not sent yet.</summary>
    public static bool KeyUpdateOwed(TlsProtocol protocol) => (bool)KeyUpdatePendingSendField.GetValue(protocol)!;

    private static FieldInfo Require(Type type, string name) =>
        type.GetField(name, Private) ?? throw new MissingFieldException(type.FullName, name);
}
