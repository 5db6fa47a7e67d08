package tlsbroker

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Dial connects to addr over network and runs the handshake through the broker, as
// tls.DialWithDialer does. An empty cfg.ServerName is taken from addr's host.
func Dial(ctx context.Context, dialer *net.Dialer, network, addr string, cfg *Config) (*Conn, error) {
	if dialer == nil {
		dialer = &net.Dialer{}
	}
	if cfg == nil {
		cfg = &Config{}
	}
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		cfg = cfg.Clone()
		cfg.ServerName = host
	}
	raw, err := dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn := Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, err
	}
	return conn, nil
}

// Dialer dials TCP and runs the handshake through the broker, as crypto/tls.Dialer does. Its
// DialContext fits http.Transport.DialTLSContext; an empty Config.ServerName is taken from each
// address, and NextProtos defaults to "http/1.1" (net/http speaks HTTP/2 only over its own
// crypto/tls connections).
type Dialer struct {
	NetDialer *net.Dialer // nil: a net.Dialer with a 30 s connect timeout and keep-alives
	Config    *Config
}

// Dial connects to addr, without a context.
func (d *Dialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext connects to addr and completes the handshake; the *Conn it returns is a net.Conn.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	netDialer := d.NetDialer
	if netDialer == nil {
		netDialer = &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	}
	cfg := d.Config.Clone()
	if cfg == nil {
		cfg = &Config{}
	}
	if len(cfg.NextProtos) == 0 {
		cfg.NextProtos = []string{"http/1.1"}
	}
	conn, err := Dial(ctx, netDialer, network, addr, cfg)
	if err != nil {
		return nil, err
	}
	return conn, nil
}

// DialTLSContextFunc returns a function for http.Transport.DialTLSContext that connects through
// the broker with cfg, taking the server name from each request's address.
func DialTLSContextFunc(cfg *Config) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &Dialer{Config: cfg}
	return d.DialContext
}

// NewTransport returns an http.Transport (a clone of http.DefaultTransport's settings) whose
// https:// connections go through the broker with cfg. Share one cfg.Broker and
// ClientSessionCache between requests for connection reuse and resumption.
func NewTransport(cfg *Config) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialTLSContext = DialTLSContextFunc(cfg)
	t.ForceAttemptHTTP2 = false
	return t
}
