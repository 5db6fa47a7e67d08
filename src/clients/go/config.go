package tlsbroker

import (
	"errors"
	"time"
)

// Default bounds, used when the Config leaves them zero.
const (
	DefaultHandshakeTimeout = 30 * time.Second
	DefaultBrokerTimeout    = 30 * time.Second
)

// Config says which broker, policy and server a Conn's session is for. A Config may be shared
// by many Conns; do not change it while they use it.
type Config struct {
	// Broker is a shared channel to the broker. When nil, each Conn dials BrokerTarget itself
	// (with APIKey) and closes that channel with the Conn.
	Broker       *Broker
	BrokerTarget string
	APIKey       string

	// Policy names a policy configured in the broker; empty selects "default".
	Policy string
	// ServerName is sent as SNI (unless an IP literal) and checked against the server's
	// certificate by the broker. Required.
	ServerName string
	// NextProtos are the ALPN protocols to offer, most preferred first.
	NextProtos []string

	// ClientSessionCache keeps the broker's resumption tokens per (broker, policy, server
	// name), so that the next Conn resumes the session. Nil turns resumption off.
	ClientSessionCache ClientSessionCache

	// HandshakeTimeout bounds Handshake when its context has no earlier deadline. Zero means
	// DefaultHandshakeTimeout; negative means no bound beyond the context.
	HandshakeTimeout time.Duration
	// BrokerTimeout bounds every wait for the broker's answer to one request (the broker
	// answers at once; waits for the server's data are bounded by the Conn's deadlines
	// instead). Zero means DefaultBrokerTimeout.
	BrokerTimeout time.Duration

	// ExportKeysAfterHandshake asks the broker, once the handshake is verified, for the
	// session's traffic keys, and then runs the record layer in this process (key export, as
	// ALTS and S2A clients do): application data goes straight over the connection and the
	// broker leaves the data path. The policy's KeyExport must name this caller, else Handshake
	// fails with a *PermissionError. Only AES-GCM suites (TLS 1.3 and TLS 1.2) are exported: Go's
	// standard library has no ChaCha20-Poly1305, so with any other suite the Conn keeps the data
	// path through the broker (ConnectionState().KeysExported is false). Default false.
	ExportKeysAfterHandshake bool
}

// Clone returns a shallow copy of c (the Broker and the cache are shared).
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	clone := *c
	clone.NextProtos = append([]string(nil), c.NextProtos...)
	return &clone
}

func (c *Config) validate() error {
	if c == nil {
		return errors.New("tlsbroker: nil Config")
	}
	if c.Broker == nil && c.BrokerTarget == "" {
		return errors.New("tlsbroker: Config needs a Broker or a BrokerTarget")
	}
	if c.ServerName == "" {
		return errors.New("tlsbroker: Config.ServerName is required (the broker verifies the certificate against it)")
	}
	return nil
}

func (c *Config) handshakeTimeout() time.Duration {
	if c.HandshakeTimeout == 0 {
		return DefaultHandshakeTimeout
	}
	return c.HandshakeTimeout
}

func (c *Config) brokerTimeout() time.Duration {
	if c.BrokerTimeout <= 0 {
		return DefaultBrokerTimeout
	}
	return c.BrokerTimeout
}

func (c *Config) brokerTarget() string {
	if c.Broker != nil {
		return c.Broker.Target()
	}
	return c.BrokerTarget
}

func (c *Config) policyName() string {
	if c.Policy == "" {
		return "default"
	}
	return c.Policy
}
