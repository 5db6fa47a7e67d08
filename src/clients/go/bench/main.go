// Command bench measures 64 MiB downloads (nginx's bigPath) and uploads (to the sink peer)
// through the broker next to crypto/tls to the same servers, in the conformance environment
// ($TLSBROKER_CONFORMANCE): MB/s (10^6 bytes) per run, the median, and broker/direct ratios.
// Run it with ./run-bench, which starts the environment.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	tlsbroker "github.com/tlsbroker/tlsbroker/src/clients/go"
)

type peer struct {
	Host       string `json:"host"`
	Port       int    `json:"port"`
	ServerName string `json:"serverName"`
	BigPath    string `json:"bigPath"`
	BigSize    int64  `json:"bigSize"`
	BigSHA256  string `json:"bigSha256"`
}

type environment struct {
	Broker struct {
		Target string `json:"target"`
	} `json:"broker"`
	CAFile string          `json:"caFile"`
	Peers  map[string]peer `json:"peers"`
}

// dialFunc opens a TLS connection to p: through the broker or with crypto/tls.
type dialFunc func(ctx context.Context, p peer) (net.Conn, error)

const writeSize = 16 << 10 // one TLS record per write, as the .NET bench writes

func main() {
	runs := flag.Int("runs", 3, "runs per path and direction")
	warmup := flag.Int("warmup", 1, "untimed runs per path and direction first (the broker's JIT, TCP windows)")
	onlyPaths := flag.String("paths", "direct,broker", "paths to run, comma-separated")
	onlyDirections := flag.String("directions", "download,upload", "directions to run, comma-separated")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	env, err := load()
	if err != nil {
		fail(err)
	}
	broker, err := tlsbroker.NewBroker(env.Broker.Target, nil)
	if err != nil {
		fail(err)
	}
	defer broker.Close()
	roots, err := loadRoots(env.CAFile)
	if err != nil {
		fail(err)
	}
	paths := []struct {
		name string
		dial dialFunc
	}{
		{"direct", func(ctx context.Context, p peer) (net.Conn, error) {
			d := &tls.Dialer{Config: &tls.Config{RootCAs: roots, ServerName: p.ServerName}}
			return d.DialContext(ctx, "tcp", fmt.Sprintf("%s:%d", p.Host, p.Port))
		}},
		{"broker", func(ctx context.Context, p peer) (net.Conn, error) {
			return tlsbroker.Dial(ctx, nil, "tcp", fmt.Sprintf("%s:%d", p.Host, p.Port),
				&tlsbroker.Config{Broker: broker, ServerName: p.ServerName})
		}},
	}
	upload := make([]byte, env.Peers["nginx"].BigSize)
	if _, err := rand.Read(upload); err != nil {
		fail(err)
	}
	medians := map[string]float64{}
	fmt.Printf("Go %s, 64 MiB transfers in %d KiB writes, MB = 10^6 bytes, %d runs each after %d untimed, %d CPUs\n",
		strings.TrimPrefix(runtime.Version(), "go"), writeSize>>10, *runs, *warmup, runtime.NumCPU())
	fmt.Printf("%-7s %-9s %s\n", "path", "direction", "MB/s per run, median [min-max], Go process CPU ms/MB")
	for _, direction := range []string{"download", "upload"} {
		if !strings.Contains(","+*onlyDirections+",", ","+direction+",") {
			continue
		}
		for _, path := range paths {
			if !strings.Contains(","+*onlyPaths+",", ","+path.name+",") {
				continue
			}
			run := func() (float64, error) {
				if direction == "download" {
					return download(path.dial, env.Peers["nginx"])
				}
				return uploadTo(path.dial, env.Peers["sink"], upload)
			}
			for i := 0; i < *warmup; i++ {
				if _, err := run(); err != nil {
					fail(fmt.Errorf("%s %s warm-up: %w", path.name, direction, err))
				}
			}
			var rates []float64
			cpuBefore := cpuTime()
			for i := 0; i < *runs; i++ {
				rate, err := run()
				if err != nil {
					fail(fmt.Errorf("%s %s run %d: %w", path.name, direction, i+1, err))
				}
				rates = append(rates, rate)
			}
			cpuPerMB := (cpuTime() - cpuBefore).Seconds() * 1000 / (float64(len(upload)) * float64(*runs) / 1e6)
			med := median(rates)
			medians[path.name+" "+direction] = med
			fmt.Printf("%-7s %-9s %s  median %6.1f [%.1f-%.1f]  %5.2f\n", path.name, direction, format(rates), med, min(rates), max(rates), cpuPerMB)
		}
	}
	for _, direction := range []string{"download", "upload"} {
		if b, d := medians["broker "+direction], medians["direct "+direction]; b > 0 && d > 0 {
			fmt.Printf("broker/direct %s: %.2f (medians)\n", direction, b/d)
		}
	}
}

func download(dial dialFunc, p peer) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := dial(ctx, p)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	began := time.Now()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", p.BigPath, p.ServerName); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 64<<10), nil)
	if err != nil {
		return 0, err
	}
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	elapsed := time.Since(began)
	if err != nil {
		return 0, err
	}
	if n != p.BigSize || hex.EncodeToString(h.Sum(nil)) != p.BigSHA256 {
		return 0, fmt.Errorf("got %d bytes with another SHA-256 than the %d expected", n, p.BigSize)
	}
	return float64(n) / 1e6 / elapsed.Seconds(), nil
}

func uploadTo(dial dialFunc, p peer, data []byte) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := dial(ctx, p)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	began := time.Now()
	for off := 0; off < len(data); off += writeSize {
		if _, err := conn.Write(data[off : off+writeSize]); err != nil {
			return 0, err
		}
	}
	if err := conn.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		return 0, err
	}
	// The sink answers "<byte count> <sha256 hex>\n" once it has the close_notify.
	answer, err := io.ReadAll(conn)
	elapsed := time.Since(began)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(data)
	if want := fmt.Sprintf("%d %s\n", len(data), hex.EncodeToString(sum[:])); string(answer) != want {
		return 0, fmt.Errorf("the sink answered %q, expected %q", answer, want)
	}
	return float64(len(data)) / 1e6 / elapsed.Seconds(), nil
}

func load() (*environment, error) {
	path := os.Getenv("TLSBROKER_CONFORMANCE")
	if path == "" {
		return nil, fmt.Errorf("TLSBROKER_CONFORMANCE is not set: run ./run-bench, which starts the conformance environment")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	env := &environment{}
	return env, json.Unmarshal(raw, env)
}

func loadRoots(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", file)
	}
	return roots, nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func min(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		if x < m {
			m = x
		}
	}
	return m
}

func max(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		if x > m {
			m = x
		}
	}
	return m
}

func format(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%7.1f", x)
	}
	return strings.Join(parts, " ")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
