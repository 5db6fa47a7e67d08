package tlsbroker

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

const (
	// defaultMaxPayload is the most bytes one Received or Write request carries when the broker
	// announced no limit: a bulk transfer costs one broker exchange per burst, not per record.
	defaultMaxPayload = 64 * 1024
	// messageOverhead is room left under the broker's message limit for protobuf framing.
	messageOverhead = 1024
	// maxReceivedAhead bounds the Received requests sent before their plaintext is read: the
	// broker decrypts one burst while the previous one travels back.
	maxReceivedAhead = 4
	// maxWritesInFlight bounds the Write requests sent and not yet answered, as a socket's send
	// buffer bounds what Write may leave behind.
	maxWritesInFlight = 4
	// handshakeReadBytes is one socket read during the handshake: a server's flight.
	handshakeReadBytes = 32 * 1024
	// maxRecordBytes is one TLS record: 2^14 bytes of plaintext plus header and expansion
	// (RFC 8446 §5.2).
	maxRecordBytes = 16*1024 + 256 + 5
	// closeNotifyWait bounds Close's close_notify on the exported record layer, as crypto/tls's
	// Close bounds its own (5 s).
	closeNotifyWait = 5 * time.Second
)

// Conn is a TLS client connection whose TLS runs in the broker: a net.Conn over the caller's
// own connection to the server, as crypto/tls.Conn is. One reader and one writer may use it at
// the same time.
type Conn struct {
	conn       net.Conn
	cfg        *Config
	broker     *Broker
	ownsBroker bool

	handshakeMu   sync.Mutex
	handshakeErr  error
	handshakeDone atomic.Bool
	state         ConnectionState
	call          *call
	streamCancel  context.CancelFunc
	maxPayload    int
	sessionID     string
	framer        recordFramer // where the bytes given to the broker stand in the server's records

	readMu       sync.Mutex
	undelivered  []byte
	readErr      error     // how reading ended: io.EOF, a truncation, a TLS or socket failure
	ahead        []*answer // Received requests sent whose answers Read has not consumed
	sockRead     chan socketChunk
	sockEOF      bool
	sockErr      error
	sockTimedOut error
	lastReadFull bool

	writeMu      sync.Mutex
	sender       *sender
	shutdownSent bool

	// layer runs the record layer here once the broker exported the keys; sender and the
	// read-side broker state are then unused.
	layer *recordLayer

	fatalMu sync.Mutex
	fatal   error // SSL_read(3): after SSL_ERROR_SSL no further I/O may be performed

	peerClosed    atomic.Bool
	closed        atomic.Bool
	closedCh      chan struct{}
	readDeadline  atomic.Value // time.Time
	writeDeadline atomic.Value // time.Time
}

type socketChunk struct {
	data []byte
	err  error
}

// Client returns a TLS client connection over conn, whose TLS the broker runs under cfg. The
// handshake runs on the first Read or Write, or on Handshake. cfg must not change afterwards.
func Client(conn net.Conn, cfg *Config) *Conn {
	c := &Conn{conn: conn, cfg: cfg, closedCh: make(chan struct{}), maxPayload: defaultMaxPayload}
	c.readDeadline.Store(time.Time{})
	c.writeDeadline.Store(time.Time{})
	return c
}

// ConnectionState reports what the handshake negotiated; HandshakeComplete is false before.
func (c *Conn) ConnectionState() ConnectionState {
	if c.handshakeDone.Load() {
		return c.state
	}
	if c.cfg == nil {
		return ConnectionState{}
	}
	return ConnectionState{ServerName: c.cfg.ServerName}
}

// Write encrypts b through the broker. Like a socket's send buffer, it returns once b is
// copied into the Conn's send buffer (up to one request's worth waits there while a few earlier
// requests are unanswered); a failure of those surfaces on a later Write, CloseWrite or Close.
func (c *Conn) Write(b []byte) (int, error) {
	if err := c.Handshake(); err != nil {
		return 0, err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	switch {
	case c.closed.Load():
		return 0, net.ErrClosed
	case c.shutdownSent:
		return 0, errShutdown
	}
	if err := c.fatalErr(); err != nil {
		return 0, err
	}
	if c.layer != nil {
		return c.layer.write(b)
	}
	return c.sender.write(b, c.writeDeadline.Load().(time.Time))
}

// CloseWrite sends close_notify (SSL_shutdown) after everything written so far; reading may go
// on until the server closes. It does not close the underlying connection.
func (c *Conn) CloseWrite() error {
	if !c.handshakeDone.Load() {
		return errors.New("tlsbroker: CloseWrite before the handshake completed")
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.closed.Load() {
		return net.ErrClosed
	}
	return c.closeNotify()
}

// closeNotify runs with writeMu held.
func (c *Conn) closeNotify() error {
	if c.shutdownSent {
		return nil
	}
	if c.layer != nil {
		if err := c.fatalErr(); err != nil {
			return err
		}
		c.shutdownSent = true
		return c.layer.closeNotify()
	}
	if err := c.sender.flush(c.writeDeadline.Load().(time.Time)); err != nil {
		return err
	}
	if err := c.fatalErr(); err != nil {
		return err
	}
	c.shutdownSent = true
	resp, err := c.call.exchange(&pb.ConnectRequest{Step: &pb.ConnectRequest_Shutdown{Shutdown: &pb.Shutdown{}}},
		c.writeDeadline.Load().(time.Time), "close")
	if err != nil {
		return err
	}
	switch int(resp.GetError()) {
	case sslErrorSSL, sslErrorSyscall:
		return resultError("close", c.cfg.ServerName, resp)
	}
	return nil
}

// Close sends close_notify when the session is still open, ends the broker session and closes
// the underlying connection. Reads and writes after it return net.ErrClosed. Closing during the
// handshake interrupts it, as with crypto/tls.
func (c *Conn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return net.ErrClosed
	}
	var alertErr, closeErr error
	closedConn := false
	if c.handshakeDone.Load() {
		c.writeMu.Lock()
		if c.fatalErr() == nil {
			if c.layer != nil {
				// As crypto/tls's Close: a server that stopped reading must not hold Close forever.
				_ = c.conn.SetWriteDeadline(time.Now().Add(closeNotifyWait))
			}
			alertErr = c.closeNotify()
			if c.peerClosed.Load() {
				// The server already ended the session; nothing the close_notify says matters.
				alertErr = nil
			}
		}
		c.writeMu.Unlock()
	} else {
		closeErr, closedConn = c.conn.Close(), true
	}
	close(c.closedCh)
	c.handshakeMu.Lock()
	defer c.handshakeMu.Unlock()
	if c.call != nil {
		c.call.closeSend()
	}
	if !closedConn {
		closeErr = c.conn.Close()
	}
	if c.layer != nil {
		c.layer.wipe()
	}
	c.releaseBroker()
	if alertErr != nil {
		return alertErr
	}
	return closeErr
}

func (c *Conn) releaseBroker() {
	if c.streamCancel != nil {
		c.streamCancel()
	}
	if c.ownsBroker && c.broker != nil {
		_ = c.broker.Close()
		c.ownsBroker = false
	}
}

func (c *Conn) fatalErr() error {
	c.fatalMu.Lock()
	defer c.fatalMu.Unlock()
	return c.fatal
}

func (c *Conn) setFatal(err error) error {
	c.fatalMu.Lock()
	defer c.fatalMu.Unlock()
	if c.fatal == nil {
		c.fatal = err
	}
	return c.fatal
}

// NetConn returns the underlying connection to the server.
func (c *Conn) NetConn() net.Conn { return c.conn }

// LocalAddr returns the local network address.
func (c *Conn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// RemoteAddr returns the server's network address.
func (c *Conn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SetDeadline sets the read and write deadlines; they bound socket waits and broker waits alike.
func (c *Conn) SetDeadline(t time.Time) error {
	c.readDeadline.Store(t)
	c.writeDeadline.Store(t)
	return c.conn.SetDeadline(t)
}

// SetReadDeadline sets the read deadline. A Read that times out leaves the Conn usable.
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.readDeadline.Store(t)
	return c.conn.SetReadDeadline(t)
}

// SetWriteDeadline sets the write deadline. As with crypto/tls, after a Write has timed out the
// TLS state is corrupt and every later Write returns the same error.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.writeDeadline.Store(t)
	return c.conn.SetWriteDeadline(t)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
