package tlsbroker_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	tlsbroker "github.com/tlsbroker/tlsbroker/src/clients/go"
)

// TestConn_BrokerOverTLS_HandshakesThroughTLSChannel puts nginx, terminating TLS and passing
// gRPC on (grpc_pass), in front of the environment's broker: BrokerOptions.TLSConfig must carry
// the sessions, and a channel whose certificate the client does not trust must fail as
// ErrBrokerUnavailable.
func TestConn_BrokerOverTLS_HandshakesThroughTLSChannel(t *testing.T) {
	env, err := loadEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	roots, certFile, keyFile := writeSelfSignedLocalhost(t, dir)
	port := startGrpcTLSProxy(t, dir, certFile, keyFile, env.Broker.Target)
	target := fmt.Sprintf("127.0.0.1:%d", port)

	broker, err := tlsbroker.NewBroker(target, &tlsbroker.BrokerOptions{TLSConfig: &tls.Config{RootCAs: roots, ServerName: "localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	defer broker.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := env.Peers["nginx"]
	conn, err := connect(ctx, p, config(env, broker, p))
	if err != nil {
		t.Fatalf("handshake through the TLS channel: %v", err)
	}
	resp, body, err := get(conn, p.ServerName, p.HelloPath)
	conn.Close()
	if err != nil || resp.StatusCode != 200 || string(body) != p.HelloBody {
		t.Fatalf("GET through the TLS channel: %v %q", err, body)
	}

	untrusting, err := tlsbroker.NewBroker(target, &tlsbroker.BrokerOptions{TLSConfig: &tls.Config{RootCAs: x509.NewCertPool(), ServerName: "localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	defer untrusting.Close()
	if err := expectHandshakeFailure(ctx, p, config(env, untrusting, p)); !errors.Is(err, tlsbroker.ErrBrokerUnavailable) {
		t.Fatalf("a channel with an untrusted certificate: %v; expected ErrBrokerUnavailable", err)
	}
}

func writeSelfSignedLocalhost(t *testing.T, dir string) (*x509.CertPool, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "broker-proxy.pem"), filepath.Join(dir, "broker-proxy-key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return roots, certFile, keyFile
}

// startGrpcTLSProxy starts nginx on a free loopback port and stops it when the test ends.
func startGrpcTLSProxy(t *testing.T, dir, certFile, keyFile, brokerTarget string) int {
	t.Helper()
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := probe.Addr().(*net.TCPAddr).Port
	probe.Close()
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events {}
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  server {
    listen 127.0.0.1:%[2]d ssl http2;
    ssl_certificate %[3]s;
    ssl_certificate_key %[4]s;
    location / {
      grpc_pass grpc://%[5]s;
      grpc_read_timeout 60s;
    }
  }
}
`, dir, port, certFile, keyFile, brokerTarget)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("nginx", "-p", dir, "-c", confFile, "-e", filepath.Join(dir, "error.log"))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// nginx says nothing when it listens: poll the port, within a bound.
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return port
		}
		select {
		case <-poll.C:
		case <-deadline.C:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not listen on %d within 10 s: %s", port, log)
		}
	}
}
