package tlsbroker_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// These helpers start what the key-export tests need beside the conformance environment: a
// broker of their own (its policies grant key export, which the shared broker's do not) and
// openssl s_server / gnutls-serv processes whose console the tests type into.

// peerWait bounds every wait for a process's output or port.
const peerWait = 30 * time.Second

// process is a child process whose output is kept for the test to wait on.
type process struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	out   bytes.Buffer
}

func (p *process) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// startProcess starts name with args (and extra environment variables); the test's cleanup
// kills it by its process id.
func startProcess(t *testing.T, env []string, name string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(name, args...)}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	p.cmd.Env = append(os.Environ(), env...)
	stdin, err := p.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.stdin = stdin
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	})
	return p
}

// waitFor waits until the output holds want count times.
func (p *process) waitFor(t *testing.T, want string, count int) {
	t.Helper()
	deadline := time.Now().Add(peerWait)
	for strings.Count(p.output(), want) < count {
		if time.Now().After(deadline) {
			t.Fatalf("%s printed %q %d times within %v, not %d; its output:\n%s", p.cmd.Path, want, strings.Count(p.output(), want), peerWait, count, p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// typeLine writes line and a newline to the process's console.
func (p *process) typeLine(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		t.Fatalf("typing into %s: %v", p.cmd.Path, err)
	}
}

// pki is a CA and a leaf for "localhost" and 127.0.0.1 (ECDSA P-256), as PEM files.
type pki struct {
	CAFile, CertFile, KeyFile string
}

func newPKI(t *testing.T) pki {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "key export test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTemplate, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	p := pki{CAFile: filepath.Join(dir, "ca.pem"), CertFile: filepath.Join(dir, "leaf.pem"), KeyFile: filepath.Join(dir, "leaf-key.pem")}
	for path, block := range map[string]*pem.Block{
		p.CAFile:   {Type: "CERTIFICATE", Bytes: caDER},
		p.CertFile: {Type: "CERTIFICATE", Bytes: leafDER},
		p.KeyFile:  {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// serverDLL finds the built broker: $TLSBROKER_SERVER_DLL, else beside the conformance host
// ./run-conformance builds, else the server's own build output.
func serverDLL(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("TLSBROKER_SERVER_DLL"); path != "" {
		return path
	}
	var candidates []string
	if host := os.Getenv("TLSBROKER_CONFORMANCE_HOST"); host != "" {
		candidates = append(candidates, filepath.Join(filepath.Dir(host), "TlsBroker.Server.dll"))
	}
	root, _ := filepath.Abs(filepath.Join("..", "..", ".."))
	candidates = append(candidates,
		filepath.Join(root, "tests", "TlsBroker.Conformance", "bin", "Debug", "net10.0", "TlsBroker.Server.dll"),
		filepath.Join(root, "src", "TlsBroker.Server", "bin", "Debug", "net10.0", "TlsBroker.Server.dll"))
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	t.Fatalf("no built broker (TlsBroker.Server.dll) in %v: run ./run-conformance, which builds it, or set TLSBROKER_SERVER_DLL", candidates)
	return ""
}

var listeningLine = regexp.MustCompile(`listening on http://(\S+?)/? \(gRPC, h2c\)`)

// startBroker runs the built broker as its own process, configured by environment variables,
// on a port it picks; it returns the gRPC target.
func startBroker(t *testing.T, config map[string]string) string {
	t.Helper()
	var env []string
	for k, v := range config {
		env = append(env, k+"="+v)
	}
	p := startProcess(t, env, "dotnet", serverDLL(t), "--Broker:Port=0", "--Broker:AdminPort=0")
	p.waitFor(t, "(gRPC, h2c)", 1)
	m := listeningLine.FindStringSubmatch(p.output())
	if m == nil {
		t.Fatalf("the broker's listening line names no address:\n%s", p.output())
	}
	return m[1]
}

// freePort is a loopback port nothing listened on a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startOpenSSLServer starts openssl s_server on 127.0.0.1 with the PKI's leaf and args.
func startOpenSSLServer(t *testing.T, p pki, args ...string) (*process, string) {
	t.Helper()
	port := freePort(t)
	all := append([]string{"s_server", "-accept", fmt.Sprintf("127.0.0.1:%d", port), "-cert", p.CertFile, "-key", p.KeyFile}, args...)
	server := startProcess(t, nil, "openssl", all...)
	server.waitFor(t, "ACCEPT", 1)
	return server, fmt.Sprintf("127.0.0.1:%d", port)
}

// startGnuTLSEcho starts gnutls-serv --echo with priority; it is ready once it reports its IPv4
// listen done ("Echo Server listening on IPv4 0.0.0.0 port N...done").
func startGnuTLSEcho(t *testing.T, p pki, priority string) (*process, string) {
	t.Helper()
	port := freePort(t)
	server := startProcess(t, nil, "gnutls-serv", "--echo", "--disable-client-cert", "--port", fmt.Sprint(port),
		"--x509certfile", p.CertFile, "--x509keyfile", p.KeyFile, "--priority", priority)
	server.waitFor(t, fmt.Sprintf("IPv4 0.0.0.0 port %d...done", port), 1)
	return server, fmt.Sprintf("127.0.0.1:%d", port)
}
