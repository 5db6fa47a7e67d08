using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Tls;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;

namespace TlsBroker.Fuzz;

/// <summary>
/// The engine's input path under hostile bytes: a session starts, the server's bytes arrive in reads, and when the
/// handshake completes the client writes a request and, after the last read, closes. The invariant (DESIGN: "every
/// bad input gets a clear answer"): each call returns a result the SSL_connect(3) / SSL_read(3) contract allows, a
/// failure has a reason and never blames the broker (internal_error, or the engine's "internal error (...)" for an
/// exception it could not name), and one case allocates a bounded amount. Anything else throws
/// <see cref="FuzzInvariantException"/>, and any other exception escapes: both are crashes for afl-fuzz.
/// </summary>
internal static class EngineFuzzTarget
{
    /// <summary>
    /// Allocation allowed per case: a fixed part for the handshake's parsing and crypto plus a multiple of the input,
    /// which bounds buffering (a session keeps at most one record and one handshake message of 100 KiB).
    /// </summary>
    public const long FixedAllocationBound = 32 * 1024 * 1024;

    public const int AllocationPerInputByte = 64;

    /// <summary>The engine's wording for an exception it does not recognise (TlsClientSession.Invoke): a defect, not a peer failure.</summary>
    private const string UnnamedExceptionReason = "internal error (";

    private static readonly Lazy<TlsPolicy> Policy = new(FuzzPolicy.Create);

    /// <summary>What the client writes once established; s_server -rev answers it and closes (tests/fuzz/README.md).</summary>
    private static readonly byte[] Request = "hello\nCLOSE\n"u8.ToArray();

    public static FuzzOutcome Run(ReadOnlySpan<byte> data)
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var input = new FuzzInput(data);
        using var session = new TlsClientSession(Policy.Value, new FakeTimeProvider(FuzzPolicy.Now), new RepeatableCrypto());
        var start = session.Start(FuzzPolicy.Start);
        Require(start is { Ret: -1, Error: SslError.WantRead } && !start.RecordsToSend.IsEmpty, "Start", start);

        HandshakeSummary? established = null;
        StepResult? ending = null;
        var plaintextBytes = 0;
        var rest = input.ServerBytes;
        while (!rest.IsEmpty)
        {
            var read = rest[..input.NextRead(rest)];
            rest = rest[read.Length..];
            var handshaking = session.Phase == SessionPhase.Handshaking;
            var result = session.Receive(read, endOfStream: false);
            CheckReceive(result, handshaking);
            plaintextBytes += result.Plaintext.Length;
            // A close_notify in the input that completed the handshake ends the session after the Established step.
            ending ??= session.Phase == SessionPhase.Closed && result.Established is null ? result : null;
            if (result.Established is { } summary)
            {
                established = summary;
                _ = session.ExportResumption();
                var written = session.Write(Request);
                Require(written.Ret == Request.Length && written.Error == SslError.None || IsFailure(written), "Write", written);
            }
        }

        if (session.Phase == SessionPhase.Established)
        {
            var shutdown = session.Shutdown();
            Require(shutdown is { Ret: 0, Error: SslError.None } || IsFailure(shutdown), "Shutdown", shutdown);
        }

        var eof = session.Receive([], endOfStream: true);
        CheckReceive(eof, handshaking: false);
        ending ??= eof;
        CheckAfterEnd(session, ending);
        if (established is not null)
        {
            _ = session.ExportResumption();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var bound = FixedAllocationBound + (long)AllocationPerInputByte * data.Length;
        if (allocated > bound)
        {
            throw new FuzzInvariantException($"one case of {data.Length} bytes allocated {allocated} bytes, more than the bound {bound}");
        }

        return new FuzzOutcome(established, ending, plaintextBytes, allocated);
    }

    private static void CheckReceive(StepResult result, bool handshaking)
    {
        var allowed = result switch
        {
            { Ret: -1, Error: SslError.WantRead } => true,
            { Ret: 1, Error: SslError.None, Established: not null } => handshaking,
            { Ret: > 0, Error: SslError.None, Established: null } => !handshaking && result.Ret == result.Plaintext.Length,
            { Ret: 0, Error: SslError.ZeroReturn } => true,
            _ => IsFailure(result),
        };
        Require(allowed, "Receive", result);
    }

    /// <summary>SSL_get_error(3): after a fatal error "no further I/O operations should be performed"; each call gets the ending again.</summary>
    private static void CheckAfterEnd(TlsClientSession session, StepResult ending)
    {
        Require(session.Phase == SessionPhase.Closed, "Receive at end of stream", ending);
        var again = session.Receive([0x17, 0x03, 0x03, 0x00, 0x01, 0x00], endOfStream: false);
        Require(again.Error == ending.Error && again.Ret == ending.Ret && again.RecordsToSend.IsEmpty, "Receive after the end", again);
        CheckEnded(session.Write(Request), "Write after the end");
        CheckEnded(session.Shutdown(), "Shutdown after the end");
    }

    private static void CheckEnded(StepResult result, string call) =>
        Require(result.RecordsToSend.IsEmpty && (result.Error is SslError.Ssl or SslError.Syscall || result is { Ret: 1, Error: SslError.None }), call, result);

    /// <summary>
    /// A failure the contract allows: SSL_ERROR_SSL or SSL_ERROR_SYSCALL with a reason, and not one that blames the broker.
    /// internal_error is allowed only where OpenSSL sends it for the server's input: a chain verification that ends with
    /// X509_V_ERR_UNSPECIFIED (ssl_x509err2alert), whose verify reason then says what failed.
    /// </summary>
    private static bool IsFailure(StepResult result) =>
        result is { Ret: -1, Error: SslError.Ssl or SslError.Syscall }
        && !string.IsNullOrEmpty(result.Reason)
        && !result.Reason.StartsWith(UnnamedExceptionReason, StringComparison.Ordinal)
        && (result.Alert is not { Sent: true, Description: AlertDescription.internal_error } || result.Verify.Code == X509VerifyCode.Unspecified);

    private static void Require(bool condition, string call, StepResult result)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(
                $"{call} returned ret={result.Ret} error={result.Error} alert={result.Alert?.Name ?? "none"}"
                + $"{(result.Alert is { Sent: true } ? " sent" : string.Empty)} reason=\"{result.Reason}\"");
        }
    }
}
