package tlsbroker_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	tlsbroker "github.com/tlsbroker/tlsbroker/src/clients/go"
)

// These tests go beyond the conformance cases (Go's own net.Conn semantics) and run in the same
// environment, against the same real peers.

func connectInEnvironment(t *testing.T, peerName string) (*tlsbroker.Conn, *environment) {
	t.Helper()
	env, err := loadEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	broker, err := tlsbroker.NewBroker(env.Broker.Target, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { broker.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := env.Peers[peerName]
	conn, err := connect(ctx, p, config(env, broker, p))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	return conn, env
}

func TestConn_ReadDeadlinePassed_TimesOutAndStaysUsable(t *testing.T) {
	conn, _ := connectInEnvironment(t, "echo")
	began := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	_, err := conn.Read(make([]byte, 16))
	var nerr net.Error
	if !errors.As(err, &nerr) || !nerr.Timeout() {
		t.Fatalf("read from a quiet echo server: %T %v; expected a net.Error timeout", err, err)
	}
	if elapsed := time.Since(began); elapsed < 150*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("the read timed out after %v, expected about 200 ms", elapsed)
	}

	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	ping := []byte("still usable\n")
	if _, err := conn.Write(ping); err != nil {
		t.Fatal(err)
	}
	echo := make([]byte, len(ping))
	if _, err := io.ReadFull(conn, echo); err != nil || string(echo) != string(ping) {
		t.Fatalf("after the timeout: echo %q, %v", echo, err)
	}
}

func TestConn_CloseWrite_SinkAnswersAfterCloseNotify(t *testing.T) {
	conn, _ := connectInEnvironment(t, "sink")
	// One Write larger than the broker's message limit (the environment's is 256 KiB): the client
	// must split it.
	data := make([]byte, 1<<20+17)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	if n, err := conn.Write(data); n != len(data) || err != nil {
		t.Fatalf("write: %d, %v", n, err)
	}
	if err := conn.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	if _, err := conn.Write([]byte("late")); err == nil {
		t.Error("a write after CloseWrite succeeded")
	}
	answer, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the sink's answer: %v", err)
	}
	sum := sha256.Sum256(data)
	if want := fmt.Sprintf("%d %s\n", len(data), hex.EncodeToString(sum[:])); string(answer) != want {
		t.Fatalf("the sink answered %q, expected %q", answer, want)
	}
}

func TestConn_CloseTwice_SecondReturnsErrClosed(t *testing.T) {
	conn, _ := connectInEnvironment(t, "echo")
	if err := conn.Close(); err != nil {
		t.Fatalf("first close: %v", err)
	}
	if err := conn.Close(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("second close: %v; expected net.ErrClosed", err)
	}
}

func TestConn_TLS12Server_SecondConnectionResumes(t *testing.T) {
	env, err := loadEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	broker, err := tlsbroker.NewBroker(env.Broker.Target, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer broker.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := env.Peers["tls12Only"]
	cfg := config(env, broker, p)
	cfg.ClientSessionCache = tlsbroker.NewLRUClientSessionCache(0)
	var states []tlsbroker.ConnectionState
	for i := 0; i < 2; i++ {
		conn, err := connect(ctx, p, cfg)
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		states = append(states, conn.ConnectionState())
		if err := conn.Close(); err != nil {
			t.Fatalf("connection %d: close: %v", i+1, err)
		}
	}
	for i, s := range states {
		if s.VersionName != "TLSv1.2" || s.Version != 0x0303 {
			t.Errorf("connection %d: version %q (%#x), expected TLSv1.2", i+1, s.VersionName, s.Version)
		}
	}
	if states[0].DidResume || !states[1].DidResume {
		t.Errorf("resumed: first %v, second %v; expected false then true (TLS 1.2: the token comes with the handshake)", states[0].DidResume, states[1].DidResume)
	}
}
