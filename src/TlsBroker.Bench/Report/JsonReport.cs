using System.Text.Json;
using System.Text.Json.Serialization;

namespace TlsBroker.Bench.Report;

/// <summary>Writes a <see cref="BenchReport"/> as indented camelCase JSON; unmeasured figures are written as null.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteAsync(BenchReport report, FileInfo file, CancellationToken cancellationToken)
    {
        await using var stream = file.Create();
        await JsonSerializer.SerializeAsync(stream, report, Options, cancellationToken);
    }
}
