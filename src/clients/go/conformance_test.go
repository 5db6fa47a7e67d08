package tlsbroker_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	tlsbroker "github.com/tlsbroker/tlsbroker/src/clients/go"
)

// caseLimit bounds one case, every wait in it included: a hang fails the case, not the run.
const caseLimit = 90 * time.Second

type conformanceCase struct {
	id  string
	run func(ctx context.Context, env *environment, broker *tlsbroker.Broker) error
}

var conformanceCases = []conformanceCase{
	{"handshake_verified", caseHandshakeVerified},
	{"verify_failure", caseVerifyFailure},
	{"server_alert", caseServerAlert},
	{"unknown_policy", caseUnknownPolicy},
	{"close_notify", caseCloseNotify},
	{"no_close_notify", caseNoCloseNotify},
	{"client_closes_first", caseClientClosesFirst},
	{"roundtrip_16m", caseRoundtrip16M},
	{"deadline_silent_server", caseDeadlineSilentServer},
	{"broker_stopped", caseBrokerStopped},
	{"broker_unreachable", caseBrokerUnreachable},
	{"resumption", caseResumption},
	{"https_fetch", caseHTTPSFetch},
}

// TestConformance runs tests/conformance/README.md's cases against the environment the
// conformance host started ($TLSBROKER_CONFORMANCE), and appends each outcome to
// $TLSBROKER_CONFORMANCE_RESULTS.
func TestConformance(t *testing.T) {
	env, err := loadEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	broker, err := tlsbroker.NewBroker(env.Broker.Target, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer broker.Close()
	for _, c := range conformanceCases {
		c := c
		t.Run(c.id, func(t *testing.T) {
			err := runBounded(c, env, broker)
			if rerr := recordResult(c.id, err); rerr != nil {
				t.Errorf("recording the result: %v", rerr)
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func runBounded(c conformanceCase, env *environment, broker *tlsbroker.Broker) error {
	ctx, cancel := context.WithTimeout(context.Background(), caseLimit)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.run(ctx, env, broker) }()
	select {
	case err := <-done:
		return err
	case <-time.After(caseLimit + 5*time.Second):
		return fmt.Errorf("%s did not finish within %v", c.id, caseLimit)
	}
}

func config(env *environment, broker *tlsbroker.Broker, p peer) *tlsbroker.Config {
	return &tlsbroker.Config{Broker: broker, Policy: env.Policies.Default, ServerName: p.ServerName, NextProtos: p.OfferALPN}
}

// connect opens TCP to p and completes the handshake through the broker.
func connect(ctx context.Context, p peer, cfg *tlsbroker.Config) (*tlsbroker.Conn, error) {
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", p.addr())
	if err != nil {
		return nil, fmt.Errorf("TCP connect to %s: %w", p.addr(), err)
	}
	conn := tlsbroker.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	return conn, nil
}

// expectHandshakeFailure connects and returns the handshake's error, or complains that it succeeded.
func expectHandshakeFailure(ctx context.Context, p peer, cfg *tlsbroker.Config) error {
	conn, err := connect(ctx, p, cfg)
	if err == nil {
		conn.Close()
		return fmt.Errorf("the handshake with %s succeeded; expected it to fail", p.addr())
	}
	return err
}

func caseHandshakeVerified(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	nginx := env.Peers["nginx"]
	conn, err := connect(ctx, nginx, config(env, broker, nginx))
	if err != nil {
		return err
	}
	defer conn.Close()
	s := conn.ConnectionState()
	var problems []string
	if !s.HandshakeComplete {
		problems = append(problems, "HandshakeComplete is false")
	}
	if s.VersionName != nginx.ExpectVersion {
		problems = append(problems, fmt.Sprintf("version %q, expected %q", s.VersionName, nginx.ExpectVersion))
	}
	if s.Version == 0 {
		problems = append(problems, fmt.Sprintf("version %q has no crypto/tls number", s.VersionName))
	}
	if !strings.HasPrefix(s.CipherSuiteName, "TLS_") || s.CipherSuite == 0 {
		problems = append(problems, fmt.Sprintf("cipher suite %q (id %#04x) is not an IANA TLS_* suite Go knows", s.CipherSuiteName, s.CipherSuite))
	}
	if s.NegotiatedProtocol != nginx.ExpectALPN {
		problems = append(problems, fmt.Sprintf("ALPN %q, expected %q", s.NegotiatedProtocol, nginx.ExpectALPN))
	}
	if err := verifyChain(env.CAFile, nginx.ServerName, s.PeerCertificates); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// verifyChain checks the reported chain with crypto/x509 against the environment's CA: the
// certificates are the server's real ones, in order.
func verifyChain(caFile, serverName string, chain []*x509.Certificate) error {
	if len(chain) == 0 {
		return errors.New("no peer certificates reported")
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return fmt.Errorf("no certificate in %s", caFile)
	}
	intermediates := x509.NewCertPool()
	for _, c := range chain[1:] {
		intermediates.AddCert(c)
	}
	_, err = chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, DNSName: serverName})
	if err != nil {
		return fmt.Errorf("the reported peer chain does not verify: %w", err)
	}
	return nil
}

func caseVerifyFailure(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["wrongName"]
	err := expectHandshakeFailure(ctx, p, config(env, broker, p))
	var verr *tlsbroker.CertificateVerificationError
	if !errors.As(err, &verr) {
		return fmt.Errorf("expected a *CertificateVerificationError, got %T: %v", err, err)
	}
	if verr.Code != p.ExpectVerify || verr.Name != p.ExpectVerifyNm || verr.Reason == "" {
		return fmt.Errorf("verify code %d %q reason %q, expected %d %q and a reason", verr.Code, verr.Name, verr.Reason, p.ExpectVerify, p.ExpectVerifyNm)
	}
	if !strings.Contains(err.Error(), p.ExpectVerifyNm) {
		return fmt.Errorf("the message %q does not name %s", err, p.ExpectVerifyNm)
	}
	return nil
}

func caseServerAlert(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["tls12Only"]
	cfg := config(env, broker, p)
	cfg.Policy = env.Policies.TLS13Only
	err := expectHandshakeFailure(ctx, p, cfg)
	var aerr *tlsbroker.AlertError
	if !errors.As(err, &aerr) {
		return fmt.Errorf("expected an *AlertError, got %T: %v", err, err)
	}
	if int(aerr.Alert.Description) != p.ExpectAlert || aerr.Alert.Name != p.ExpectAlertName || aerr.Alert.Sent {
		return fmt.Errorf("alert %v, expected the received alert %s(%d)", aerr.Alert, p.ExpectAlertName, p.ExpectAlert)
	}
	return nil
}

func caseUnknownPolicy(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["nginx"]
	cfg := config(env, broker, p)
	cfg.Policy = env.Policies.Unknown
	err := expectHandshakeFailure(ctx, p, cfg)
	var perr *tlsbroker.PermissionError
	if !errors.As(err, &perr) || perr.Unauthenticated {
		return fmt.Errorf("expected a *PermissionError (PERMISSION_DENIED), got %T: %v", err, err)
	}
	if perr.Message == "" || !strings.Contains(err.Error(), env.Policies.Unknown) {
		return fmt.Errorf("the error %q does not explain itself or name the policy %q", err, env.Policies.Unknown)
	}
	return nil
}

// get sends an HTTP/1.1 GET with Connection: close and returns the parsed response, its body
// read, and the error of the read after the body (which the caller inspects).
func get(conn *tlsbroker.Conn, host, path string) (*http.Response, []byte, error) {
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host)
	if _, err := io.WriteString(conn, req); err != nil {
		return nil, nil, err
	}
	reader := bufio.NewReader(conn)
	resp, err := http.ReadResponse(reader, nil)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, body, err
	}
	return resp, body, nil
}

func caseCloseNotify(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["nginx"]
	conn, err := connect(ctx, p, config(env, broker, p))
	if err != nil {
		return err
	}
	defer conn.Close()
	resp, body, err := get(conn, p.ServerName, p.HelloPath)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 || string(body) != p.HelloBody {
		return fmt.Errorf("status %d body %q, expected 200 %q", resp.StatusCode, body, p.HelloBody)
	}
	n, err := conn.Read(make([]byte, 1))
	if n != 0 || err != io.EOF {
		return fmt.Errorf("after the body: read %d bytes, error %v; expected a clean io.EOF (close_notify)", n, err)
	}
	return nil
}

func caseNoCloseNotify(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["closeWithoutNotify"]
	conn, err := connect(ctx, p, config(env, broker, p))
	if err != nil {
		return err
	}
	defer conn.Close()
	data, err := io.ReadAll(conn)
	if string(data) != p.Greeting {
		return fmt.Errorf("read %q, expected %q", data, p.Greeting)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("after the greeting: %v; expected an error wrapping io.ErrUnexpectedEOF", err)
	}
	return nil
}

func caseClientClosesFirst(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["echo"]
	conn, err := connect(ctx, p, config(env, broker, p))
	if err != nil {
		return err
	}
	ping := []byte("ping through the broker\n")
	if _, err := conn.Write(ping); err != nil {
		return err
	}
	echo := make([]byte, len(ping))
	if _, err := io.ReadFull(conn, echo); err != nil {
		return fmt.Errorf("reading the echo: %w", err)
	}
	if !bytes.Equal(echo, ping) {
		return fmt.Errorf("echo %q, expected %q", echo, ping)
	}
	if err := conn.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if _, err := conn.Write(ping); !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("write after close: %v; expected net.ErrClosed", err)
	}
	if _, err := conn.Read(echo); !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("read after close: %v; expected net.ErrClosed", err)
	}
	return nil
}

func caseRoundtrip16M(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	const size = 16 << 20
	p := env.Peers["echo"]
	conn, err := connect(ctx, p, config(env, broker, p))
	if err != nil {
		return err
	}
	defer conn.Close()
	data := make([]byte, size)
	if _, err := rand.Read(data); err != nil {
		return err
	}
	written := make(chan error, 1)
	go func() {
		// 16 KiB writes: one TLS record each.
		var err error
		for off := 0; off < size && err == nil; off += 16 << 10 {
			_, err = conn.Write(data[off : off+16<<10])
		}
		written <- err
	}()
	h := sha256.New()
	n, err := io.CopyN(h, conn, size)
	if err != nil {
		return fmt.Errorf("read back %d of %d bytes: %w", n, size, err)
	}
	if err := <-written; err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if want := sha256.Sum256(data); !bytes.Equal(h.Sum(nil), want[:]) {
		return fmt.Errorf("SHA-256 of the echo %x, expected %x", h.Sum(nil), want)
	}
	return nil
}

func caseDeadlineSilentServer(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["silent"]
	cfg := config(env, broker, p)
	cfg.HandshakeTimeout = time.Second
	began := time.Now()
	err := expectHandshakeFailure(ctx, p, cfg)
	elapsed := time.Since(began)
	var terr *tlsbroker.TimeoutError
	var nerr net.Error
	if !errors.As(err, &terr) || !errors.As(err, &nerr) || !nerr.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("expected a *TimeoutError (a net.Error with Timeout()), got %T: %v", err, err)
	}
	if elapsed < 900*time.Millisecond || elapsed > 5*time.Second {
		return fmt.Errorf("the timeout came after %v, expected about 1 s", elapsed)
	}
	return nil
}

func caseBrokerStopped(ctx context.Context, env *environment, _ *tlsbroker.Broker) error {
	doomed, err := tlsbroker.NewBroker(env.DoomedBroker.Target, nil)
	if err != nil {
		return err
	}
	defer doomed.Close()
	p := env.Peers["nginx"]
	conn, err := connect(ctx, p, config(env, doomed, p))
	if err != nil {
		return err
	}
	defer conn.Close()
	if env.DoomedBroker.PID <= 0 {
		return errors.New("the environment names no doomedBroker pid")
	}
	if err := syscall.Kill(env.DoomedBroker.PID, syscall.SIGKILL); err != nil {
		return fmt.Errorf("killing the doomed broker: %w", err)
	}
	began := time.Now()
	_, err = conn.Read(make([]byte, 1024))
	if !errors.Is(err, tlsbroker.ErrBrokerUnavailable) {
		return fmt.Errorf("read after the broker died: %T %v; expected an error wrapping ErrBrokerUnavailable", err, err)
	}
	if elapsed := time.Since(began); elapsed > 10*time.Second {
		return fmt.Errorf("the failure took %v", elapsed)
	}
	return nil
}

func caseBrokerUnreachable(ctx context.Context, env *environment, _ *tlsbroker.Broker) error {
	p := env.Peers["nginx"]
	cfg := &tlsbroker.Config{BrokerTarget: env.UnreachableBroker.Target, ServerName: p.ServerName}
	began := time.Now()
	err := expectHandshakeFailure(ctx, p, cfg)
	if !errors.Is(err, tlsbroker.ErrBrokerUnavailable) {
		return fmt.Errorf("expected an error wrapping ErrBrokerUnavailable, got %T: %v", err, err)
	}
	if !strings.Contains(err.Error(), "broker unavailable") {
		return fmt.Errorf("the message %q does not say the broker is unavailable", err)
	}
	if elapsed := time.Since(began); elapsed > 10*time.Second {
		return fmt.Errorf("the failure took %v", elapsed)
	}
	return nil
}

func caseResumption(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["nginx"]
	cfg := config(env, broker, p)
	cfg.ClientSessionCache = tlsbroker.NewLRUClientSessionCache(0)
	var resumed []bool
	for i := 0; i < 2; i++ {
		conn, err := connect(ctx, p, cfg)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		resumed = append(resumed, conn.ConnectionState().DidResume)
		resp, body, err := get(conn, p.ServerName, p.HelloPath)
		conn.Close()
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		if resp.StatusCode != 200 || string(body) != p.HelloBody {
			return fmt.Errorf("connection %d: status %d body %q", i+1, resp.StatusCode, body)
		}
	}
	if resumed[0] || !resumed[1] {
		return fmt.Errorf("resumed: first %v, second %v; expected false then true", resumed[0], resumed[1])
	}
	return nil
}

func caseHTTPSFetch(ctx context.Context, env *environment, broker *tlsbroker.Broker) error {
	p := env.Peers["nginx"]
	transport := tlsbroker.NewTransport(&tlsbroker.Config{Broker: broker, Policy: env.Policies.Default})
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	url := fmt.Sprintf("https://%s:%d%s", p.ServerName, p.Port, p.HelloPath)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 || string(body) != p.HelloBody {
		return fmt.Errorf("GET %s: status %d body %q", url, resp.StatusCode, body)
	}
	return nil
}
