package tlsbroker

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

func TestNewConnectionState_BrokerNames_MapToCryptoTLSNumbers(t *testing.T) {
	s := newConnectionState("example.com", "s-1", &pb.Established{
		ProtocolVersion: "TLSv1.2", CipherSuite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Alpn: "h2",
		Resumed: true, HandshakeDuration: durationpb.New(3 * time.Millisecond), PeerCertificates: [][]byte{{0x30, 0x00}},
	})
	if s.Version != tls.VersionTLS12 || s.CipherSuite != tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 {
		t.Errorf("version %#x suite %#x", s.Version, s.CipherSuite)
	}
	if !s.HandshakeComplete || !s.DidResume || s.NegotiatedProtocol != "h2" || s.SessionID != "s-1" || s.HandshakeDuration != 3*time.Millisecond {
		t.Errorf("got %+v", s)
	}
	if len(s.PeerCertificatesDER) != 1 || len(s.PeerCertificates) != 0 {
		t.Errorf("an unparsable certificate stays in the DER list only: %d DER, %d parsed", len(s.PeerCertificatesDER), len(s.PeerCertificates))
	}
}

func TestValidate_MissingBrokerOrServerName_Explains(t *testing.T) {
	if err := (&Config{ServerName: "x"}).validate(); err == nil {
		t.Error("a Config without a broker must be refused")
	}
	if err := (&Config{BrokerTarget: "b:1"}).validate(); err == nil {
		t.Error("a Config without ServerName must be refused")
	}
	if err := (&Config{BrokerTarget: "b:1", ServerName: "x"}).validate(); err != nil {
		t.Error(err)
	}
}

func TestHandshake_NilConfig_ExplainsAndStateStaysEmpty(t *testing.T) {
	left, right := net.Pipe()
	defer left.Close()
	defer right.Close()
	c := Client(left, nil)
	if s := c.ConnectionState(); s.HandshakeComplete {
		t.Error("no handshake ran")
	}
	if err := c.Handshake(); err == nil || !strings.Contains(err.Error(), "nil Config") {
		t.Errorf("handshake with a nil Config: %v", err)
	}
	if _, err := c.Write([]byte("x")); err == nil {
		t.Error("a write without a handshake succeeded")
	}
}

func TestApplySessionInfo_SmallBrokerLimit_ShrinksRequestsBelowIt(t *testing.T) {
	cases := []struct {
		limit int32
		want  int
	}{
		{0, defaultMaxPayload},         // no limit announced: 64 KiB
		{1 << 20, defaultMaxPayload},   // a large limit never raises requests above 64 KiB
		{8192, 8192 - messageOverhead}, // room for protobuf framing under the limit
		{1024, 512},                    // the broker's smallest limit: half of it for the payload
	}
	for _, c := range cases {
		conn := Client(nil, &Config{})
		conn.applySessionInfo(&pb.ConnectResponse{Session: &pb.SessionInfo{Id: "s", MaxMessageBytes: c.limit}})
		if conn.maxPayload != c.want || conn.sessionID != "s" {
			t.Errorf("limit %d: payload %d, session %q; want %d", c.limit, conn.maxPayload, conn.sessionID, c.want)
		}
	}
}
