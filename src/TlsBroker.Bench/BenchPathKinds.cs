namespace TlsBroker.Bench;

/// <summary>How a <see cref="BenchPathKind"/> is named on the command line and in the report.</summary>
internal static class BenchPathKinds
{
    public static string Label(this BenchPathKind kind) => kind switch
    {
        BenchPathKind.Direct => "direct",
        BenchPathKind.Engine => "engine",
        _ => "broker",
    };
}
