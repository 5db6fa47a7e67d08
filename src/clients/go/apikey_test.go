package tlsbroker_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	tlsbroker "github.com/tlsbroker/tlsbroker/src/clients/go"
)

func TestConn_APIKey_SentAsBearerOnEachSessionAndNeverInErrors(t *testing.T) {
	env, err := loadEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	const key = "go-test-api-key-4f1c"
	var mu sync.Mutex
	var sent []string
	capture := func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		md, _ := metadata.FromOutgoingContext(ctx)
		mu.Lock()
		sent = append(sent, md.Get("authorization")...)
		mu.Unlock()
		return streamer(ctx, desc, cc, method, opts...)
	}
	broker, err := tlsbroker.NewBroker(env.Broker.Target, &tlsbroker.BrokerOptions{
		APIKey: key, DialOptions: []grpc.DialOption{grpc.WithStreamInterceptor(capture)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer broker.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	p := env.Peers["nginx"]
	conn, err := connect(ctx, p, config(env, broker, p))
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	cfg := config(env, broker, p)
	cfg.Policy = env.Policies.Unknown
	failure := expectHandshakeFailure(ctx, p, cfg)

	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 2 || sent[0] != "Bearer "+key || sent[1] != "Bearer "+key {
		t.Errorf("authorization metadata on the two sessions: %q", sent)
	}
	if strings.Contains(failure.Error(), key) || strings.Contains(broker.String(), key) {
		t.Errorf("the API key leaked into %q or %q", failure, broker)
	}
}
