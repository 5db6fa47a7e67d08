package tlsbroker

import (
	"context"
	"crypto/tls"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

// BrokerOptions configure the gRPC channel to a broker.
type BrokerOptions struct {
	// APIKey, when set, is sent on every session as "authorization: Bearer <key>". A secret:
	// it never appears in errors or String output.
	APIKey string
	// TLSConfig, when set, makes the channel to the broker TLS (its RootCAs, Certificates for a
	// client certificate, ServerName); nil means plaintext h2c, for a broker on loopback or
	// behind a sidecar.
	TLSConfig *tls.Config
	// DialOptions are appended to the grpc.DialContext options (interceptors, balancers, ...).
	DialOptions []grpc.DialOption
}

// Broker is one gRPC channel to a TlsBroker, shared by every Conn that names it in its
// Config: one HTTP/2 connection carries all their sessions. It connects lazily and reconnects
// by itself; Close it when no Conn needs it any more.
type Broker struct {
	target string
	apiKey string
	cc     *grpc.ClientConn
	client pb.BrokerServiceClient
}

// NewBroker prepares a channel to the broker at target ("host:port", or any grpc-go target such
// as "dns:///broker.internal:5001"). It does not wait for the broker: a broker that cannot be
// reached makes the first handshake fail with an error wrapping ErrBrokerUnavailable.
func NewBroker(target string, opts *BrokerOptions) (*Broker, error) {
	if opts == nil {
		opts = &BrokerOptions{}
	}
	dial := []grpc.DialOption{}
	if opts.TLSConfig != nil {
		dial = append(dial, grpc.WithTransportCredentials(credentials.NewTLS(opts.TLSConfig)))
	} else {
		dial = append(dial, grpc.WithInsecure())
	}
	dial = append(dial, opts.DialOptions...)
	cc, err := grpc.DialContext(context.Background(), target, dial...)
	if err != nil {
		return nil, fmt.Errorf("tlsbroker: broker target %q: %w", target, err)
	}
	return &Broker{target: target, apiKey: opts.APIKey, cc: cc, client: pb.NewBrokerServiceClient(cc)}, nil
}

// Target is the address the Broker was made for.
func (b *Broker) Target() string { return b.target }

// Close closes the channel; sessions still open on it fail with ErrBrokerUnavailable.
func (b *Broker) Close() error { return b.cc.Close() }

func (b *Broker) String() string { return "tlsbroker.Broker(" + b.target + ")" }

// connect opens one Connect stream (one TLS session), which lives as long as ctx.
func (b *Broker) connect(ctx context.Context) (pb.BrokerService_ConnectClient, error) {
	if b.apiKey != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+b.apiKey)
	}
	return b.client.Connect(ctx)
}
