namespace TlsBroker.Bench;

/// <summary>How a <see cref="BenchPathKind"/> is named on the command line and in the report.</summary>
internal static class BenchPathKinds
{
    public static string Label(this BenchPathKind kind) => kind switch
    {
        BenchPathKind.Direct => "direct",
        BenchPathKind.Engine => "engine",
        BenchPathKind.Broker => "broker",
        _ => "export",
    };

    /// <summary>
    /// Whether the handshake phases run the path. The export path's handshake is the broker path's plus one ExportKeys
    /// step, so it is measured where it differs: the data path.
    /// </summary>
    public static bool RunsHandshakePhases(this BenchPathKind kind) => kind != BenchPathKind.Export;
}
