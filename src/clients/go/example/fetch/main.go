// Command fetch gets an https:// URL with net/http, its TLS run by a TlsBroker:
//
//	go run ./example/fetch -broker 127.0.0.1:5001 https://example.com/
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	tlsbroker "github.com/tlsbroker/tlsbroker/src/clients/go"
)

func main() {
	target := flag.String("broker", "127.0.0.1:5001", "broker address (host:port)")
	policy := flag.String("policy", "", "broker policy (empty: default)")
	apiKey := flag.String("api-key", os.Getenv("TLSBROKER_API_KEY"), "API key, if the broker wants one")
	exportKeys := flag.Bool("export-keys", false, "take the session's keys from the broker after the handshake (the policy must grant key export)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: fetch [-broker host:port] [-policy name] [-export-keys] https://host/path")
		os.Exit(2)
	}

	broker, err := tlsbroker.NewBroker(*target, &tlsbroker.BrokerOptions{APIKey: *apiKey})
	if err != nil {
		fail(err)
	}
	defer broker.Close()

	cfg := &tlsbroker.Config{Broker: broker, Policy: *policy, ClientSessionCache: tlsbroker.NewLRUClientSessionCache(0), ExportKeysAfterHandshake: *exportKeys}
	dial := tlsbroker.DialTLSContextFunc(cfg)
	transport := tlsbroker.NewTransport(cfg)
	// Wrap the dialer to show what each handshake negotiated.
	transport.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		s := conn.(*tlsbroker.Conn).ConnectionState()
		fmt.Fprintf(os.Stderr, "%s %s %s alpn=%q resumed=%v keys-exported=%v session=%s\n",
			addr, s.VersionName, s.CipherSuiteName, s.NegotiatedProtocol, s.DidResume, s.KeysExported, s.SessionID)
		return conn, nil
	}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	resp, err := client.Get(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	defer resp.Body.Close()
	fmt.Fprintln(os.Stderr, resp.Proto, resp.Status)
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		fail(err)
	}
}

// fail prints what went wrong, in the terms the failure has.
func fail(err error) {
	var verify *tlsbroker.CertificateVerificationError
	var alert *tlsbroker.AlertError
	var denied *tlsbroker.PermissionError
	switch {
	case errors.As(err, &verify):
		fmt.Fprintf(os.Stderr, "certificate rejected: %s (%d) at depth %d\n", verify.Name, verify.Code, verify.Depth)
	case errors.As(err, &alert):
		fmt.Fprintf(os.Stderr, "TLS alert: %s\n", alert.Alert)
	case errors.As(err, &denied):
		fmt.Fprintf(os.Stderr, "not allowed: %s\n", denied.Message)
	case errors.Is(err, tlsbroker.ErrBrokerUnavailable):
		fmt.Fprintf(os.Stderr, "broker unavailable: %v\n", err)
	default:
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(1)
}
