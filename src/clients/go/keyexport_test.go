package tlsbroker_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tlsbroker "github.com/tlsbroker/tlsbroker/src/clients/go"
)

// TestConn_KeyExport runs the exported record layer against real openssl s_server and
// gnutls-serv through a real broker: each would reject a record sealed with a wrong key, nonce or
// sequence number, and each record it sends must open here. Policy "export" grants key export to
// the anonymous caller (the broker has no callers configured), "noexport" does not.
func TestConn_KeyExport(t *testing.T) {
	certs := newPKI(t)
	target := startBroker(t, map[string]string{
		"Broker__Policies__export__TrustAnchors":          certs.CAFile,
		"Broker__Policies__export__KeyExport__Allowed":    "true",
		"Broker__Policies__export__KeyExport__Callers__0": "anonymous",
		"Broker__Policies__noexport__TrustAnchors":        certs.CAFile,
	})
	broker, err := tlsbroker.NewBroker(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { broker.Close() })
	f := &keyExportFixture{certs: certs, broker: broker}

	openSSLSuites := []struct{ version, option, suite, iana string }{
		{"-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"},
		{"-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"},
		{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
		{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
	}
	for _, s := range openSSLSuites {
		s := s
		t.Run("OpenSSL_DataBothWaysThenCloseNotify/"+s.iana, func(t *testing.T) {
			server, addr := startOpenSSLServer(t, certs, s.version, s.option, s.suite)
			conn, _ := f.connect(t, addr, "export")
			lines := bufio.NewReader(conn)

			f.write(t, conn, "to-server 1\n")
			server.waitFor(t, "to-server 1", 1)
			server.typeLine(t, "from-server 1")
			fromServer := readLine(t, lines)
			if err := conn.CloseWrite(); err != nil {
				t.Fatalf("CloseWrite: %v", err)
			}
			// s_server answers the client's close_notify with its own, then prints DONE.
			server.waitFor(t, "DONE", 1)
			_, afterClose := lines.ReadByte()

			state := conn.ConnectionState()
			if !state.KeysExported {
				t.Error("KeysExported is false")
			}
			if want := map[string]string{"-tls1_3": "TLSv1.3", "-tls1_2": "TLSv1.2"}[s.version]; state.VersionName != want {
				t.Errorf("version %q, expected %q", state.VersionName, want)
			}
			if state.CipherSuiteName != s.iana {
				t.Errorf("suite %q, expected %q", state.CipherSuiteName, s.iana)
			}
			if fromServer != "from-server 1" {
				t.Errorf("read %q from the server", fromServer)
			}
			if afterClose != io.EOF {
				t.Errorf("read after the server's close_notify: %v, expected io.EOF", afterClose)
			}
		})
	}

	for _, version := range []string{"-tls1_3", "-tls1_2"} {
		version := version
		t.Run("OpenSSL_ServerSendsCloseNotify_EOFThenWritesFail/"+version, func(t *testing.T) {
			_, addr := startOpenSSLServer(t, certs, "-rev", version)
			conn, _ := f.connect(t, addr, "export")
			lines := bufio.NewReader(conn)
			f.write(t, conn, "hello\n")
			reply := readLine(t, lines)

			// s_server -rev answers "CLOSE" with SSL_shutdown: its close_notify.
			f.write(t, conn, "CLOSE\n")
			_, afterClose := io.ReadAll(lines)
			_, lateWrite := conn.Write([]byte("late\n"))

			if !conn.ConnectionState().KeysExported {
				t.Error("KeysExported is false")
			}
			if reply != "olleh" {
				t.Errorf("s_server -rev answered %q", reply)
			}
			if afterClose != nil {
				t.Errorf("reading to the server's close_notify: %v, expected a clean end (io.EOF)", afterClose)
			}
			if lateWrite == nil {
				t.Error("a write after the server's close_notify (answered with ours) succeeded")
			}
		})
	}

	for _, s := range []struct{ suite, key string }{
		{"TLS_AES_128_GCM_SHA256", "K"}, {"TLS_AES_256_GCM_SHA384", "K"}, {"TLS_AES_128_GCM_SHA256", "k"},
	} {
		s := s
		requested := s.key == "K"
		t.Run("OpenSSL_ServerKeyUpdate/"+s.suite+"/requested="+map[bool]string{true: "true", false: "false"}[requested], func(t *testing.T) {
			// No NewSessionTicket: the only record after the handshake is the KeyUpdate the test
			// waits for. -msg prints each handshake message s_server reads
			// ("<<< TLS 1.3, Handshake [length 0005], KeyUpdate").
			server, addr := startOpenSSLServer(t, certs, "-tls1_3", "-ciphersuites", s.suite, "-num_tickets", "0", "-msg")
			conn, counted := f.connect(t, addr, "export")
			lines := bufio.NewReader(conn)
			f.write(t, conn, "to-server before\n")
			server.waitFor(t, "to-server before", 1)

			// "K" must be alone in s_server's console read: the next line is typed once the
			// KeyUpdate it sends has arrived and been read.
			line := make(chan string, 1)
			go func() { l, _ := lines.ReadString('\n'); line <- strings.TrimSuffix(l, "\n") }()
			before := counted.read.Load()
			server.typeLine(t, s.key)
			waitUntil(t, "the server's KeyUpdate to arrive", func() bool { return counted.read.Load() > before })
			server.typeLine(t, "from-server after")
			var fromServer string
			select {
			case fromServer = <-line:
			case <-time.After(peerWait):
				t.Fatal("no line from the server after its KeyUpdate")
			}
			f.write(t, conn, "to-server after\n")
			server.waitFor(t, "to-server after", 1)

			received := 0
			for _, l := range strings.Split(server.output(), "\n") {
				if strings.HasPrefix(l, "<<<") && strings.Contains(l, "KeyUpdate") {
					received++
				}
			}
			if fromServer != "from-server after" {
				t.Errorf("read %q after the server's KeyUpdate", fromServer)
			}
			// RFC 8446 §4.6.3: update_requested is answered with one KeyUpdate; update_not_requested is not.
			if want := map[bool]int{true: 1, false: 0}[requested]; received != want {
				t.Errorf("s_server read %d KeyUpdate messages, expected %d", received, want)
			}
		})
	}

	for _, priority := range []string{
		"NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM",
		"NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM",
		"NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM",
		"NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM",
	} {
		priority := priority
		t.Run("GnuTLS_EchoThenCloseNotify/"+priority, func(t *testing.T) {
			_, addr := startGnuTLSEcho(t, certs, priority)
			conn, _ := f.connect(t, addr, "export")
			lines := bufio.NewReader(conn)
			// Several records each way.
			payload := strings.Repeat("e", 40_000)
			f.write(t, conn, payload+"\n")
			echoed := readLine(t, lines)
			if err := conn.CloseWrite(); err != nil {
				t.Fatalf("CloseWrite: %v", err)
			}
			_, afterClose := lines.ReadByte()

			if !conn.ConnectionState().KeysExported {
				t.Error("KeysExported is false")
			}
			if echoed != payload {
				t.Errorf("echoed %d bytes, expected the %d sent", len(echoed), len(payload))
			}
			if afterClose != io.EOF {
				t.Errorf("read after close_notify: %v, expected io.EOF", afterClose)
			}
		})
	}

	t.Run("ChaCha20Poly1305_NotExported_DataThroughTheBroker", func(t *testing.T) {
		_, addr := startOpenSSLServer(t, certs, "-rev", "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
		conn, _ := f.connect(t, addr, "export")
		f.write(t, conn, "hello\n")
		reply := readLine(t, bufio.NewReader(conn))

		state := conn.ConnectionState()
		if state.CipherSuiteName != "TLS_CHACHA20_POLY1305_SHA256" {
			t.Fatalf("suite %q, expected TLS_CHACHA20_POLY1305_SHA256", state.CipherSuiteName)
		}
		if state.KeysExported {
			t.Error("KeysExported is true for a suite Go's standard library cannot run")
		}
		if reply != "olleh" {
			t.Errorf("s_server -rev answered %q", reply)
		}
	})

	t.Run("ReadDeadlinePassed_TimesOutAndStaysUsable", func(t *testing.T) {
		server, addr := startOpenSSLServer(t, certs, "-tls1_3", "-num_tickets", "0")
		conn, _ := f.connect(t, addr, "export")
		_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, err := conn.Read(make([]byte, 16))
		var nerr net.Error
		if !errors.As(err, &nerr) || !nerr.Timeout() {
			t.Fatalf("read from a quiet server: %T %v; expected a net.Error timeout", err, err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(peerWait))
		server.typeLine(t, "still usable")
		if line := readLine(t, bufio.NewReader(conn)); line != "still usable" {
			t.Errorf("after the timeout: read %q", line)
		}
	})

	t.Run("ExportNotGranted_PermissionError", func(t *testing.T) {
		_, addr := startOpenSSLServer(t, certs, "-rev")
		raw, err := net.DialTimeout("tcp", addr, peerWait)
		if err != nil {
			t.Fatal(err)
		}
		conn := tlsbroker.Client(raw, &tlsbroker.Config{Broker: broker, Policy: "noexport", ServerName: "localhost", ExportKeysAfterHandshake: true})
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), peerWait)
		defer cancel()
		err = conn.HandshakeContext(ctx)

		var denied *tlsbroker.PermissionError
		if !errors.As(err, &denied) || denied.Unauthenticated {
			t.Fatalf("handshake under a policy without key export: %T %v; expected a *PermissionError (PERMISSION_DENIED)", err, err)
		}
		if !strings.Contains(denied.Message, "does not grant key export") {
			t.Errorf("the refusal says %q", denied.Message)
		}
		if conn.ConnectionState().HandshakeComplete {
			t.Error("the handshake counts as complete")
		}
	})

	t.Run("ServerSpeaksFirst_LastHandshakeReadEndsInsideARecord_RestGivenToTheBrokerThenExported", func(t *testing.T) {
		// s_server writes the typed line as soon as its handshake is done, right after its
		// Finished; splitAfterFinished makes the handshake's last read end inside that record.
		server, addr := startOpenSSLServer(t, certs, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
		server.typeLine(t, "from-server first")
		raw, err := net.DialTimeout("tcp", addr, peerWait)
		if err != nil {
			t.Fatal(err)
		}
		split := &splitAfterFinished{Conn: raw}
		conn := tlsbroker.Client(split, &tlsbroker.Config{Broker: broker, Policy: "export", ServerName: "localhost", ExportKeysAfterHandshake: true})
		t.Cleanup(func() { conn.Close() })
		_ = conn.SetDeadline(time.Now().Add(2 * peerWait))
		ctx, cancel := context.WithTimeout(context.Background(), peerWait)
		defer cancel()
		if err := conn.HandshakeContext(ctx); err != nil {
			t.Fatalf("handshake: %v", err)
		}
		lines := bufio.NewReader(conn)
		first := readLine(t, lines)
		f.write(t, conn, "to-server\n")
		server.waitFor(t, "to-server", 1)

		if !split.split {
			t.Fatal("the server's first record was not split: the test proved nothing")
		}
		if !conn.ConnectionState().KeysExported {
			t.Error("KeysExported is false")
		}
		if first != "from-server first" {
			t.Errorf("read %q", first)
		}
	})

	t.Run("TamperedRecord_BadRecordMACSent", func(t *testing.T) {
		server, addr := startOpenSSLServer(t, certs, "-tls1_3", "-num_tickets", "0")
		conn, counted := f.connect(t, addr, "export")
		f.write(t, conn, "to-server\n")
		server.waitFor(t, "to-server", 1)
		counted.flipNextRead.Store(true)
		server.typeLine(t, "from-server")
		_, err := conn.Read(make([]byte, 64))

		var alert *tlsbroker.AlertError
		if !errors.As(err, &alert) {
			t.Fatalf("reading a tampered record: %T %v; expected an *AlertError", err, err)
		}
		if alert.Alert.Description != 20 || alert.Alert.Name != "bad_record_mac" || !alert.Alert.Sent || !alert.Alert.Fatal {
			t.Errorf("alert %v, expected a sent fatal bad_record_mac(20)", alert.Alert)
		}
		// OpenSSL reports the alert it read: "SSL alert number 20".
		server.waitFor(t, "alert number 20", 1)
		if _, err := conn.Write([]byte("after\n")); !errors.As(err, &alert) {
			t.Errorf("a write after the fatal alert: %v; expected the same *AlertError", err)
		}
	})
}

type keyExportFixture struct {
	certs  pki
	broker *tlsbroker.Broker
}

// connect dials addr and hands shake under policy with key export on; every wait on the Conn
// is bounded by a deadline.
func (f *keyExportFixture) connect(t *testing.T, addr, policy string) (*tlsbroker.Conn, *countingConn) {
	t.Helper()
	raw, err := net.DialTimeout("tcp", addr, peerWait)
	if err != nil {
		t.Fatal(err)
	}
	counted := &countingConn{Conn: raw}
	conn := tlsbroker.Client(counted, &tlsbroker.Config{Broker: f.broker, Policy: policy, ServerName: "localhost", ExportKeysAfterHandshake: true})
	t.Cleanup(func() { conn.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), peerWait)
	defer cancel()
	if err := conn.HandshakeContext(ctx); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	_ = conn.SetDeadline(time.Now().Add(2 * peerWait))
	return conn, counted
}

func (f *keyExportFixture) write(t *testing.T, conn *tlsbroker.Conn, s string) {
	t.Helper()
	if n, err := conn.Write([]byte(s)); n != len(s) || err != nil {
		t.Fatalf("write: %d of %d bytes, %v", n, len(s), err)
	}
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading a line: %q, %v", line, err)
	}
	return strings.TrimSuffix(line, "\n")
}

func waitUntil(t *testing.T, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(peerWait)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", peerWait, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// countingConn counts the bytes read from the server and can flip a bit in the next read, as
// a tampering middlebox would.
type countingConn struct {
	net.Conn
	read         atomic.Int64
	flipNextRead atomic.Bool
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 && c.flipNextRead.CompareAndSwap(true, false) {
		b[n-1] ^= 1
	}
	c.read.Add(int64(n))
	return n, err
}

// splitAfterFinished holds the server's bytes back from its ChangeCipherSpec (TLS 1.2) until its
// first application_data record has arrived, then hands them over ending 1 byte into that record.
type splitAfterFinished struct {
	net.Conn
	stream   []byte // everything read from the server
	returned int
	split    bool
}

func (c *splitAfterFinished) Read(b []byte) (int, error) {
	for {
		limit := len(c.stream)
		if !c.split {
			ccs, data := -1, -1
			for at := 0; at+5 <= len(c.stream); at += 5 + (int(c.stream[at+3])<<8 | int(c.stream[at+4])) {
				if c.stream[at] == 20 && ccs < 0 {
					ccs = at
				}
				if c.stream[at] == 23 && data < 0 {
					data = at
				}
			}
			switch {
			case data >= 0 && len(c.stream) >= data+6:
				limit = data + 6
			case ccs >= 0:
				limit = ccs
			}
			if c.returned == limit && data >= 0 && limit == data+6 {
				c.split = true
				continue
			}
		}
		if c.returned < limit {
			n := copy(b, c.stream[c.returned:limit])
			c.returned += n
			return n, nil
		}
		if c.split {
			return c.Conn.Read(b)
		}
		chunk := make([]byte, 32*1024)
		n, err := c.Conn.Read(chunk)
		c.stream = append(c.stream, chunk[:n]...)
		if err != nil {
			return 0, err
		}
	}
}
