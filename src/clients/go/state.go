package tlsbroker

import (
	"crypto/tls"
	"crypto/x509"
	"time"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

// ConnectionState is what the handshake negotiated, in crypto/tls.ConnectionState's terms where
// they exist.
type ConnectionState struct {
	HandshakeComplete bool
	// Version is the TLS version as crypto/tls numbers it (tls.VersionTLS13); VersionName is the
	// broker's name for it, as OpenSSL's SSL_get_version() gives it ("TLSv1.3").
	Version     uint16
	VersionName string
	// CipherSuite is crypto/tls's ID for the suite when Go knows it (0 otherwise);
	// CipherSuiteName is its IANA name, e.g. "TLS_AES_128_GCM_SHA256".
	CipherSuite     uint16
	CipherSuiteName string
	// Group is the key-exchange group's IANA name, e.g. "x25519".
	Group              string
	NegotiatedProtocol string
	DidResume          bool
	ServerName         string
	// PeerCertificates is the server's chain as sent, its own certificate first, as the broker
	// verified it. A certificate Go cannot parse is left out; PeerCertificatesDER has them all.
	PeerCertificates    []*x509.Certificate
	PeerCertificatesDER [][]byte
	HandshakeDuration   time.Duration
	// SessionID names the broker session in the broker's logs.
	SessionID string
	// KeysExported is true when the broker handed the session's keys over
	// (Config.ExportKeysAfterHandshake) and this process runs the record layer.
	KeysExported bool
}

var versionsByName = map[string]uint16{
	"TLSv1":   tls.VersionTLS10,
	"TLSv1.1": tls.VersionTLS11,
	"TLSv1.2": tls.VersionTLS12,
	"TLSv1.3": tls.VersionTLS13,
}

func cipherSuiteID(name string) uint16 {
	for _, s := range tls.CipherSuites() {
		if s.Name == name {
			return s.ID
		}
	}
	for _, s := range tls.InsecureCipherSuites() {
		if s.Name == name {
			return s.ID
		}
	}
	return 0
}

func newConnectionState(serverName, sessionID string, e *pb.Established) ConnectionState {
	s := ConnectionState{
		HandshakeComplete:  true,
		Version:            versionsByName[e.GetProtocolVersion()],
		VersionName:        e.GetProtocolVersion(),
		CipherSuite:        cipherSuiteID(e.GetCipherSuite()),
		CipherSuiteName:    e.GetCipherSuite(),
		Group:              e.GetGroup(),
		NegotiatedProtocol: e.GetAlpn(),
		DidResume:          e.GetResumed(),
		ServerName:         serverName,
		HandshakeDuration:  e.GetHandshakeDuration().AsDuration(),
		SessionID:          sessionID,
	}
	for _, der := range e.GetPeerCertificates() {
		s.PeerCertificatesDER = append(s.PeerCertificatesDER, der)
		if cert, err := x509.ParseCertificate(der); err == nil {
			s.PeerCertificates = append(s.PeerCertificates, cert)
		}
	}
	return s
}
