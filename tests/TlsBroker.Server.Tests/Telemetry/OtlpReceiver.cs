using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using TlsBroker.Server.Tests.Telemetry.Otlp;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Telemetry;

/// <summary>
/// A minimal OTLP/HTTP trace receiver (protobuf bodies, as an OpenTelemetry collector takes them on
/// <c>/v1/traces</c>) on a real Kestrel at 127.0.0.1 on a free port. Every span it receives is kept.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    public const string TracesPath = "/v1/traces";

    private readonly WebApplication app;
    private readonly List<(Span Span, string Scope)> spans = [];
    private readonly SemaphoreSlim arrived = new(0);

    private OtlpReceiver(WebApplication app) => this.app = app;

    /// <summary>The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The content types of the export requests, in order.</summary>
    public List<string> ContentTypes { get; } = [];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var receiver = new OtlpReceiver(builder.Build());
        receiver.app.MapPost(TracesPath, receiver.ExportAsync);
        await receiver.app.StartAsync().WaitAsync(TestTimeouts.Step);
        receiver.BaseAddress = new Uri(receiver.app.Urls.Single());
        return receiver;
    }

    /// <summary>Waits (bounded) until the spans received so far satisfy <paramref name="complete"/>, and returns them with their scope names.</summary>
    public async Task<List<(Span Span, string Scope)>> WaitForSpansAsync(Func<IReadOnlyList<Span>, bool> complete)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Scenario);
        while (true)
        {
            lock (spans)
            {
                if (complete(spans.ConvertAll(entry => entry.Span)))
                {
                    return [.. spans];
                }
            }

            try
            {
                await arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                lock (spans)
                {
                    Assert.Fail($"the OTLP receiver got {spans.Count} spans, not the expected ones: {string.Join(", ", spans.Select(entry => entry.Span.Name))}");
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().WaitAsync(TestTimeouts.Step);
        await app.DisposeAsync();
        arrived.Dispose();
    }

    private async Task<IResult> ExportAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var export = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        lock (spans)
        {
            ContentTypes.Add(request.ContentType ?? string.Empty);
            spans.AddRange(export.ResourceSpans.SelectMany(resource => resource.ScopeSpans).SelectMany(scope => scope.Spans.Select(span => (span, scope.Scope?.Name ?? string.Empty))));
        }

        arrived.Release();

        // OTLP/HTTP: a successful export answers 200 with an ExportTraceServiceResponse, empty here.
        return Results.Bytes([], "application/x-protobuf");
    }
}
