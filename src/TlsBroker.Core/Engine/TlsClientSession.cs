using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsBroker.Core.Crypto;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Resumption;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Engine;

/*
 * Phases (SessionPhase), changed only in this class:
 *
 *   AwaitingStart --Start--> Handshaking --handshake complete (ret 1)--> Established --Shutdown (ret 0)--> ShuttingDown
 *                                 |                                          |                                 |
 *                                 |  fatal alert, EOF,                       |  fatal alert, EOF,               |  server close_notify,
 *                                 v  server close_notify                     v  server close_notify            v  fatal alert, EOF
 *                              Closed <------------------------------------ Closed <-------------------------- Closed
 *
 * ExportKeys (Established, between whole records) hands the record layer to the caller and goes to Closed without a close_notify.
 * A call that the phase does not expect is a SessionMisuseException; what the server does is a StepResult.
 * Once Closed, Receive, Write and Shutdown are answered with the outcome that closed the session
 * (AfterEnd), as OpenSSL answers them on an SSL object that has ended.
 */

/// <summary>
/// One TLS client session over BouncyCastle's non-blocking TlsClientProtocol: bytes in, records
/// and an OpenSSL-style status out. No socket, no gRPC.
/// </summary>
public sealed class TlsClientSession(TlsPolicy policy, TimeProvider timeProvider, TlsCryptoProvider cryptoProvider = TlsCryptoProvider.DotNet) : IDisposable
{
    /// <summary>RFC 7301 §3.1: a ProtocolName is 1 to 255 bytes.</summary>
    private const int MaxAlpnProtocolBytes = 255;

    private const int MaxAlpnListBytes = ushort.MaxValue;

    private static readonly StepResult WantRead = new() { Ret = -1, Error = SslError.WantRead };

    private readonly FirstRecordHeader firstRecordHeader = new();
    private readonly BcTlsCrypto crypto = EngineCrypto.For(cryptoProvider);
    private BrokerClientProtocol? protocol;
    private BrokerTlsClient? client;
    private long startTimestamp;
    private SessionResumer? resumer;
    private bool resumed;
    private IReadOnlyList<byte[]> peerCertificates = [];
    private (int Updates, ResumptionState? State) exported;
    private StepResult? ending;
    private bool keysExported;
    private byte[]? tls12KeyBlock;

    /// <summary>
    /// A session over <paramref name="crypto"/> instead of the shared instance: the fuzzing harness passes a seeded one,
    /// so that the ClientHello, and with it a server flight recorded for it, repeat byte for byte.
    /// </summary>
    internal TlsClientSession(TlsPolicy policy, TimeProvider timeProvider, DotNetTlsCrypto crypto)
        : this(policy, timeProvider, TlsCryptoProvider.DotNet) => this.crypto = crypto;

    public TlsPolicy Policy { get; } = policy;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public TlsCryptoProvider CryptoProvider { get; } = cryptoProvider;

    public SessionPhase Phase { get; private set; }

    /// <summary>
    /// The server's chain as sent (DER, its own certificate first) once its Certificate message arrived, also when
    /// verification refused it; for a resumed session the chain verified when the session was created. Empty before.
    /// </summary>
    public IReadOnlyList<byte[]> PeerCertificates => peerCertificates.Count > 0 ? peerCertificates : client?.CertificateCheck.PeerCertificates ?? [];

    /// <summary>SSL_connect: returns the ClientHello to send and ret -1 / WANT_READ.</summary>
    public StepResult Start(SessionStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        RequirePhase(SessionPhase.AwaitingStart, "Start");
        var identity = start.ParsedServer;
        if (identity is null && !ServerIdentity.TryParse(start.ServerName, out identity, out var error))
        {
            throw new SessionMisuseException($"server name '{start.ServerName}' is not a DNS name or IP literal: {error}");
        }

        ValidateAlpn(start.Alpn);
        startTimestamp = TimeProvider.GetTimestamp();
        resumer = new SessionResumer(start.Resumption, TimeProvider, state => ChainAcceptedByPolicy(state, identity!));
        var newClient = new BrokerTlsClient(crypto, Policy, identity!, [.. start.Alpn], resumer, TimeProvider);
        var newProtocol = new BrokerClientProtocol(resumer);
        (client, protocol) = (newClient, newProtocol);
        Phase = SessionPhase.Handshaking;
        return Invoke(static (protocol, client) => protocol.Connect(client), newClient) ?? WantRead with { RecordsToSend = DrainOutput() };
    }

    /// <summary>
    /// Bytes read from the socket (<paramref name="endOfStream"/> when the read returned 0), in pieces of any size.
    /// While handshaking: -1/WANT_READ until the handshake completes with 1 and <see cref="StepResult.Established"/>.
    /// Established: the plaintext byte count, or -1/WANT_READ while a record is incomplete; 0/ZERO_RETURN on the
    /// server's close_notify (with any plaintext that came before it in the same call).
    /// </summary>
    public StepResult Receive(ReadOnlySpan<byte> data, bool endOfStream)
    {
        if (Phase == SessionPhase.AwaitingStart)
        {
            throw new SessionMisuseException("data received before Start: there is no handshake to feed yet");
        }

        if (Phase == SessionPhase.Closed)
        {
            return AfterEnd(SessionCall.Receive);
        }

        if (Phase == SessionPhase.Handshaking)
        {
            firstRecordHeader.Note(data);
        }

        var resumptionUpdates = ResumptionUpdates;
        if (data.Length > 0 && Invoke(static (protocol, input) => protocol.OfferRecords(input), data) is { } failure)
        {
            return failure;
        }

        return WithResumption(Remember(AfterInput(endOfStream)), resumptionUpdates);
    }

    /// <summary>SSL_write, once established (not after Shutdown): the records to send, ret = plaintext length.</summary>
    public StepResult Write(ReadOnlySpan<byte> plaintext)
    {
        if (Phase == SessionPhase.Closed)
        {
            return AfterEnd(SessionCall.Write);
        }

        RequirePhase(SessionPhase.Established, "Write");
        return Invoke(static (protocol, data) => protocol.WriteApplicationData(data), plaintext)
            ?? new StepResult { Ret = plaintext.Length, Error = SslError.None, RecordsToSend = DrainOutput() };
    }

    /// <summary>
    /// SSL_shutdown, once established: returns our close_notify and ret 0. Receive still decrypts what
    /// the server sends until its own close_notify (0/ZERO_RETURN), which closes the session.
    /// </summary>
    public StepResult Shutdown()
    {
        if (Phase == SessionPhase.Closed)
        {
            return AfterEnd(SessionCall.Shutdown);
        }

        RequirePhase(SessionPhase.Established, "Shutdown");
        if (Invoke(static (protocol, _) => protocol.SendCloseNotify(), 0) is { } failure)
        {
            return failure;
        }

        // SSL_shutdown(3): 0 = "the close_notify was sent but the peer did not send it back yet".
        Phase = SessionPhase.ShuttingDown;
        return new StepResult { Ret = 0, Error = SslError.None, RecordsToSend = DrainOutput() };
    }

    /// <summary>
    /// Counts the changes of what <see cref="ExportResumption"/> gives: a TLS 1.2 state appears when the
    /// session is established, a TLS 1.3 one with each NewSessionTicket, which the server sends after the
    /// handshake (RFC 8446 §4.6.1), so that it is seen only when later records are given to <see cref="Receive"/>.
    /// Each change rides on the step that made it (<see cref="StepResult.Resumption"/>).
    /// </summary>
    internal int ResumptionUpdates => resumer?.Updates ?? 0;

    /// <summary>
    /// Once established (also after it closed): the state a later session (same policy and server name) can resume with
    /// <see cref="SessionStart.Resumption"/>, or null when there is none yet (a TLS 1.3 session before its first
    /// NewSessionTicket) or none at all (a server that offered neither ticket nor session ID).
    /// </summary>
    public ResumptionState? ExportResumption()
    {
        if (Phase is SessionPhase.AwaitingStart or SessionPhase.Handshaking)
        {
            throw new SessionMisuseException($"ExportResumption is not allowed while the session is {Phase}; it needs an established session");
        }

        // Built once per change: reading the chain's notAfter costs a certificate parse, paid only by a caller that resumes.
        var updates = ResumptionUpdates;
        if (exported.Updates != updates)
        {
            exported = (updates, resumer!.Export(resumed, peerCertificates));
        }

        return exported.State;
    }

    /// <summary>
    /// Key export, once established: the traffic keys and sequence numbers the caller needs to run the record layer
    /// itself; the session then ends here (Closed, nothing sent: the connection is the caller's). Between whole records
    /// only, so that the next record on the socket is the first one the caller decrypts. A refusal
    /// (<see cref="KeyExportRefusedException"/>) leaves the session as it was.
    /// </summary>
    public ExportedKeys ExportKeys()
    {
        if (Phase != SessionPhase.Established)
        {
            throw new KeyExportRefusedException($"keys can be exported only from an established session; this one is {Phase}");
        }

        if (protocol!.HasPartialRecord)
        {
            throw new KeyExportRefusedException(
                "part of a record is pending (the last Received ended mid-record): export only when every record received is complete, or the caller could not decrypt the rest");
        }

        var keys = KeyExporter.Export(protocol, client!.SecurityParameters!, tls12KeyBlock);
        keysExported = true;
        Close();
        return keys;
    }

    public void Dispose() => Close();

    private static void ValidateAlpn(IReadOnlyList<string> alpn)
    {
        var listBytes = 0;
        foreach (var name in alpn)
        {
            var length = Encoding.UTF8.GetByteCount(name);
            if (length is 0 or > MaxAlpnProtocolBytes)
            {
                throw new SessionMisuseException($"ALPN protocol '{Excerpt(name)}' is {length} bytes long; RFC 7301 §3.1 allows 1 to {MaxAlpnProtocolBytes}");
            }

            listBytes += 1 + length;
        }

        // RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>.
        if (listBytes > MaxAlpnListBytes)
        {
            throw new SessionMisuseException($"the ALPN list is {listBytes} bytes long encoded; RFC 7301 §3.1 allows at most {MaxAlpnListBytes}");
        }
    }

    /// <summary>
    /// A resumed handshake carries no certificates (RFC 8446 §2.2, RFC 5246 §7.3), so the policy's pins and expected identities are checked on the
    /// chain the state was made with, before it is offered: a state whose chain they reject is not offered, and the full
    /// handshake then checks the chain the server sends now. Verifier and cache are the policy's, so a cache hit costs no path building.
    /// </summary>
    private bool ChainAcceptedByPolicy(ResumptionState state, ServerIdentity identity) =>
        (Policy.Verifier.Pins is null && Policy.Verifier.Requirements.Identities.AnyOf.Count == 0)
        || (state.PeerCertificates.Count > 0 && Policy.Verifier.Verify(state.PeerCertificates, identity, TimeProvider.GetUtcNow()).IsOk);

    /// <summary>
    /// Adds to a step what it changed about resumption: a state to keep when this step made one, and on the step that completed
    /// the handshake what became of the state given to resume. Not after a fatal error: OpenSSL removes the session of a
    /// connection that failed from its cache (ssl3_send_alert, SSL_CTX_remove_session), so it is not resumed.
    /// </summary>
    private StepResult WithResumption(StepResult result, int updatesBefore)
    {
        if (result.Error is SslError.Ssl or SslError.Syscall)
        {
            return result;
        }

        var changed = ResumptionUpdates != updatesBefore;
        var offered = result.Established is not null ? resumer!.OfferOutcome(resumed) : null;
        return changed || offered is not null
            ? result with { Resumption = new ResumptionOutcome { Resumable = changed ? ExportResumption() : null, Offered = offered } }
            : result;
    }

    private static string Excerpt(string name) => name.Length <= 32 ? name : name[..32] + "...";

    private StepResult AfterInput(bool endOfStream)
    {
        var active = protocol!;
        var plaintext = DrainPlaintext();
        if (active.IsClosed)
        {
            // SSL_read(3): the peer sent close_notify. BouncyCastle answers with ours unless Shutdown already sent it.
            var reply = DrainOutput();
            if (Phase == SessionPhase.Handshaking && client!.HandshakeCompleted)
            {
                return EstablishedThenClosed(plaintext, reply);
            }

            var wasShuttingDown = Phase == SessionPhase.ShuttingDown;
            Close();
            return new StepResult
            {
                Ret = 0,
                Error = SslError.ZeroReturn,
                Plaintext = plaintext,
                RecordsToSend = wasShuttingDown ? ReadOnlyMemory<byte>.Empty : reply,
            };
        }

        if (endOfStream)
        {
            // SSL_get_error(3): EOF without close_notify is a protocol violation, "unexpected eof while reading".
            var pending = DrainOutput();
            Close();
            return new StepResult { Ret = -1, Error = SslError.Syscall, Plaintext = plaintext, RecordsToSend = pending, Reason = OpenSslReasons.UnexpectedEof };
        }

        var records = DrainOutput();
        if (Phase == SessionPhase.Handshaking)
        {
            if (active.IsHandshaking || !active.IsConnected)
            {
                return WantRead with { RecordsToSend = records };
            }

            return Established(records, plaintext);
        }

        return plaintext.Length > 0
            ? new StepResult { Ret = plaintext.Length, Error = SslError.None, Plaintext = plaintext, RecordsToSend = records }
            : WantRead with { RecordsToSend = records };
    }

    /// <summary>
    /// The server's Finished and its close_notify arrived in one input. SSL_connect(3) returns 1 all the same: OpenSSL
    /// stops reading at the Finished and leaves the close_notify buffered for the next SSL_read, which returns 0 with
    /// SSL_ERROR_ZERO_RETURN. The session ends here, so that next Receive gets that ending from <see cref="AfterEnd"/>.
    /// </summary>
    private StepResult EstablishedThenClosed(ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> reply)
    {
        var established = Established(reply, plaintext);
        Close();
        ending = new StepResult { Ret = 0, Error = SslError.ZeroReturn };
        return established;
    }

    /// <summary>SSL_connect(3) ret 1: the handshake's summary, with the records and data that came with its last step.</summary>
    private StepResult Established(ReadOnlyMemory<byte> records, ReadOnlyMemory<byte> plaintext)
    {
        Phase = SessionPhase.Established;
        return new StepResult
        {
            Ret = 1,
            Error = SslError.None,
            RecordsToSend = records,
            Plaintext = plaintext,
            Established = Summarize(),

            // OK, carrying under a soft-fail revocation policy why a certificate's status was not established.
            Verify = client!.CertificateCheck.Outcome ?? VerifyOutcome.Ok,
        };
    }

    private HandshakeSummary Summarize()
    {
        var parameters = client!.SecurityParameters!;
        var isTls13 = TlsUtilities.IsTlsV13(parameters.NegotiatedVersion);
        var group = isTls13 ? parameters.NegotiatedGroup : client.Tls12Group;

        // A resumed handshake carries no Certificate message (RFC 5246 §7.3, RFC 8446 §2.2): the chain is the one verified when the session was created.
        resumed = parameters.IsResumedSession || client.ResumedWithPsk;
        peerCertificates = resumed ? client.Resumer.Offered!.PeerCertificates : client.CertificateCheck.PeerCertificates;
        if (!isTls13 && Policy.KeyExport.Callers.Count > 0)
        {
            // Before Capture: resumption takes the session's master secret, the last copy BouncyCastle keeps.
            tls12KeyBlock = KeyExporter.Tls12KeyBlock(parameters, client.EstablishedSession);
        }

        client.Resumer.Capture(parameters, client.EstablishedSession, resumed);
        BouncyCastleInternals.ReleasePeerCertificates(parameters, client.EstablishedSession);
        return new HandshakeSummary(
            ProtocolVersion: isTls13 ? "TLSv1.3" : "TLSv1.2",
            CipherSuite: TlsParameterNames.CipherSuiteName(parameters.CipherSuite),
            Group: group < 0 ? string.Empty : TlsParameterNames.GroupName(group),
            Alpn: parameters.ApplicationProtocol?.GetUtf8Decoding(),
            PeerCertificates: peerCertificates,
            Resumed: resumed,
            Duration: TimeProvider.GetElapsedTime(startTimestamp))
        {
            ClientCertificateSent = client.CertificateCheck.ClientCertificateSent,
        };
    }

    /// <summary>
    /// Runs one BouncyCastle call on the session's protocol; a failure becomes the fatal StepResult and closes the
    /// session. The call gets its input as state (a span is allowed), so that no closure is allocated per message.
    /// The record ciphers it uses close their native contexts when it returns (<see cref="CipherContextScope"/>), so that an idle session holds none.
    /// </summary>
    private StepResult? Invoke<TState>(ProtocolCall<TState> call, TState state)
        where TState : allows ref struct
    {
        using var cipherContexts = CipherContextScope.Enter();
        try
        {
            call(protocol!, state);
            return null;
        }
        catch (TlsFatalAlertReceived e)
        {
            var alert = new TlsAlert(e.AlertDescription, OpenSslReasons.AlertName(e.AlertDescription), Fatal: true, Sent: false);
            return Fail(alert, OpenSslReasons.AlertReceived(e.AlertDescription), VerifyOutcome.Ok);
        }
        catch (Exception e) when (PeerInputFailure.Classify(e) is { } failure)
        {
            return Fail(new TlsAlert(failure.Alert, OpenSslReasons.AlertName(failure.Alert), Fatal: true, Sent: true), failure.Reason, failure.Verify);
        }
        catch (TlsFatalAlert) when (Phase == SessionPhase.Handshaking && client!.CloseNotifyReceived)
        {
            // SSL_connect(3) ret 0: "not successful but was shut down controlled and by the specifications
            // of the TLS/SSL protocol". OpenSSL sends nothing back, so BouncyCastle's handshake_failure is dropped.
            Close();
            return Remember(new StepResult
            {
                Ret = 0,
                Error = SslError.ZeroReturn,
                Alert = new TlsAlert(AlertDescription.close_notify, OpenSslReasons.AlertName(AlertDescription.close_notify), Fatal: false, Sent: false),
                Reason = OpenSslReasons.ClosedDuringHandshake,
            });
        }
        catch (TlsFatalAlert e)
        {
            var alert = new TlsAlert(e.AlertDescription, OpenSslReasons.AlertName(e.AlertDescription), Fatal: true, Sent: true);
            if (client!.CertificateCheck.Outcome is { IsOk: false } outcome)
            {
                return Fail(alert, OpenSslReasons.CertificateVerifyFailed, outcome);
            }

            var reason = firstRecordHeader.IsNotTls ? OpenSslReasons.WrongVersionNumber : OpenSslReasons.AlertSent(e.AlertDescription);
            return Fail(alert, reason, VerifyOutcome.Ok);
        }
        catch (Exception e)
        {
            // Not a peer failure BouncyCastle knows how to name: a defect here or in BouncyCastle.
            // The caller still gets a clean, final SSL result instead of a crashed host.
            var raised = client?.FatalAlertRaised is { } sent
                ? new TlsAlert(sent, OpenSslReasons.AlertName(sent), Fatal: true, Sent: true)
                : null;
            return Fail(raised, $"internal error ({e.GetType().Name}: {e.Message})", VerifyOutcome.Ok);
        }
    }

    private StepResult Fail(TlsAlert? alert, string reason, VerifyOutcome verify)
    {
        var records = DrainOutput();
        Close();
        return Remember(new StepResult { Ret = -1, Error = SslError.Ssl, Alert = alert, Reason = reason, Verify = verify, RecordsToSend = records });
    }

    /// <summary>Keeps the outcome that closed the session, without its bytes, for <see cref="AfterEnd"/>.</summary>
    private StepResult Remember(StepResult result)
    {
        if (Phase == SessionPhase.Closed && ending is null)
        {
            ending = result with { RecordsToSend = ReadOnlyMemory<byte>.Empty, Plaintext = ReadOnlyMemory<byte>.Empty, Established = null };
        }

        return result;
    }

    /// <summary>
    /// A call on a session that has ended. After close_notify went both ways: SSL_read(3) keeps returning 0 with
    /// SSL_ERROR_ZERO_RETURN, SSL_shutdown(3) returns 1 ("the shutdown was successfully completed"), and SSL_write
    /// fails with "protocol is shutdown". After a fatal error, SSL_get_error(3): "no further I/O operations should
    /// be performed on the connection", so every call gets that error again.
    /// </summary>
    private StepResult AfterEnd(SessionCall call)
    {
        if (keysExported)
        {
            throw new SessionMisuseException($"{call} is not allowed: the session's keys were exported, the caller runs the record layer and the broker holds no session");
        }

        var final = ending ?? throw new SessionMisuseException($"{call} is not allowed: the session was disposed");
        if (final.Error != SslError.ZeroReturn)
        {
            return final;
        }

        return call switch
        {
            SessionCall.Receive => new StepResult { Ret = 0, Error = SslError.ZeroReturn },
            SessionCall.Shutdown => new StepResult { Ret = 1, Error = SslError.None },
            _ => new StepResult { Ret = -1, Error = SslError.Ssl, Reason = OpenSslReasons.ProtocolIsShutdown },
        };
    }

    private void Close()
    {
        peerCertificates = PeerCertificates;
        Phase = SessionPhase.Closed;
        CryptographicOperations.ZeroMemory(tls12KeyBlock);
        tls12KeyBlock = null;
        protocol?.ReleaseBuffers();
        protocol = null;
        client = null;
    }

    private byte[] DrainOutput() => protocol?.TakeOutput() ?? [];

    private byte[] DrainPlaintext() => protocol!.TakePlaintext();

    private void RequirePhase(SessionPhase expected, string call)
    {
        RequireNotClosed(call);
        if (Phase != expected)
        {
            throw new SessionMisuseException($"{call} is not allowed while the session is {Phase}; it needs {expected}");
        }
    }

    private void RequireNotClosed(string call)
    {
        if (Phase == SessionPhase.Closed)
        {
            throw new SessionMisuseException($"{call} is not allowed: the session is closed");
        }
    }
}
