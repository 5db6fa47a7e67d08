// Package tlsbroker is a TLS client whose TLS runs in a TlsBroker: the caller owns the TCP
// connection, the broker (a gRPC service) owns the handshake, the trust decisions and the keys.
//
// Client(conn, cfg) mirrors crypto/tls.Client: the *Conn it returns is a net.Conn with
// Handshake, HandshakeContext, ConnectionState, CloseWrite and deadlines. Every byte read from
// conn goes to the broker over one Connect stream (broker.proto) and every record the broker
// produces is written to conn; Read and Write carry the application data. With
// Config.ExportKeysAfterHandshake the broker hands the session's AES-GCM keys over once the
// handshake is verified, and the Conn runs the record layer itself.
//
//	broker, _ := tlsbroker.NewBroker("127.0.0.1:5001", nil)
//	defer broker.Close()
//	client := &http.Client{Transport: tlsbroker.NewTransport(&tlsbroker.Config{Broker: broker})}
//	resp, err := client.Get("https://example.com/")
//
// Failures are values errors.As and errors.Is can match: *CertificateVerificationError (the
// X509_V_ERR code), *AlertError, *SSLError, *PermissionError (PERMISSION_DENIED,
// UNAUTHENTICATED), *BrokerError and ErrBrokerUnavailable, *TimeoutError; a server that closes
// TCP without close_notify gives an error wrapping io.ErrUnexpectedEOF, its close_notify io.EOF.
package tlsbroker
