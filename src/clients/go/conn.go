package tlsbroker

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// Handshake runs the TLS handshake if it has not run yet, bounded by Config.HandshakeTimeout.
func (c *Conn) Handshake() error { return c.HandshakeContext(context.Background()) }

// HandshakeContext runs the TLS handshake if it has not run yet. If ctx ends (or
// Config.HandshakeTimeout passes) first, the handshake is abandoned, the connection to the
// server is closed, as crypto/tls does, and the broker frees the session.
func (c *Conn) HandshakeContext(ctx context.Context) error {
	if c.handshakeDone.Load() {
		return nil
	}
	c.handshakeMu.Lock()
	defer c.handshakeMu.Unlock()
	if c.handshakeErr != nil || c.handshakeDone.Load() {
		return c.handshakeErr
	}
	if c.closed.Load() {
		return net.ErrClosed
	}
	c.handshakeErr = c.handshake(ctx)
	if c.handshakeErr != nil {
		if c.call != nil {
			c.call.interrupt(c.handshakeErr)
		}
		c.releaseBroker()
		return c.handshakeErr
	}
	c.handshakeDone.Store(true)
	return nil
}

func (c *Conn) handshake(parent context.Context) error {
	if err := c.cfg.validate(); err != nil {
		return err
	}
	ctx, cancel := parent, context.CancelFunc(func() {})
	timeout := c.cfg.handshakeTimeout()
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(parent, timeout)
	}
	defer cancel()

	c.broker = c.cfg.Broker
	if c.broker == nil {
		b, err := NewBroker(c.cfg.BrokerTarget, &BrokerOptions{APIKey: c.cfg.APIKey})
		if err != nil {
			return err
		}
		c.broker, c.ownsBroker = b, true
	}
	streamCtx, streamCancel := context.WithCancel(context.Background())
	c.streamCancel = streamCancel

	// As crypto/tls's HandshakeContext: the end of ctx interrupts a blocking socket read by
	// closing the connection, and the stream is cancelled so that the broker frees the session.
	// The mutex makes "interrupted" and "returned" exclusive: a handshake that completed as ctx
	// ended either finished first (and keeps its connection) or reports the interruption.
	var interruptMu sync.Mutex
	interrupted, returned := false, false
	finished := make(chan struct{})
	defer func() {
		interruptMu.Lock()
		returned = true
		interruptMu.Unlock()
		close(finished)
	}()
	go func() {
		select {
		case <-ctx.Done():
			interruptMu.Lock()
			defer interruptMu.Unlock()
			if !returned {
				interrupted = true
				streamCancel()
				_ = c.conn.Close()
			}
		case <-finished:
		}
	}()

	failed := func(err error) error {
		interruptMu.Lock()
		wasInterrupted := interrupted
		interruptMu.Unlock()
		if !wasInterrupted && ctx.Err() == nil {
			return err
		}
		if parent.Err() != nil {
			return fmt.Errorf("tlsbroker: handshake with %s: %w", c.cfg.ServerName, parent.Err())
		}
		return &TimeoutError{Op: "handshake", Wait: timeout, What: "the handshake with " + c.cfg.ServerName + " did not complete"}
	}

	stream, err := c.broker.connect(streamCtx)
	if err != nil {
		return failed(c.mapBrokerError(err))
	}
	var cache ClientSessionCache = c.cfg.ClientSessionCache
	key := sessionCacheKey(c.cfg)
	var onToken func([]byte)
	if cache != nil {
		onToken = func(token []byte) { cache.Put(key, append([]byte(nil), token...)) }
	}
	c.call = newCall(stream, streamCancel, c.conn, c.cfg.brokerTimeout(), c.mapBrokerError, onToken)

	start := &pb.Start{Policy: c.cfg.Policy, ServerName: c.cfg.ServerName, Alpn: c.cfg.NextProtos}
	if cache != nil {
		if token, ok := cache.Get(key); ok {
			start.ResumptionToken = token
		}
	}
	resp, err := c.call.exchange(&pb.ConnectRequest{Step: &pb.ConnectRequest_Start{Start: start}}, time.Time{}, "handshake")
	var buf []byte
	for {
		if err != nil {
			return failed(err)
		}
		c.applySessionInfo(resp)
		if resp.GetRet() == 1 {
			break
		}
		if int(resp.GetError()) != sslErrorWantRead {
			return failed(resultError("handshake", c.cfg.ServerName, resp))
		}
		if buf == nil {
			// After the first response: the session's message limit is known by then.
			size := handshakeReadBytes
			if size > c.maxPayload {
				size = c.maxPayload
			}
			buf = make([]byte, size)
		}
		n, rerr := c.conn.Read(buf)
		switch {
		case n > 0:
			resp, err = c.call.exchange(received(buf[:n], false), time.Time{}, "handshake")
		case errors.Is(rerr, io.EOF):
			resp, err = c.call.exchange(received(nil, true), time.Time{}, "handshake")
		case rerr != nil:
			return failed(fmt.Errorf("tlsbroker: handshake with %s: reading from the server: %w", c.cfg.ServerName, rerr))
		}
	}
	interruptMu.Lock()
	returned = true
	wasInterrupted := interrupted
	interruptMu.Unlock()
	if wasInterrupted {
		return failed(nil)
	}
	c.state = newConnectionState(c.cfg.ServerName, c.sessionID, resp.GetEstablished())
	c.undelivered = resp.GetPlaintext()
	c.sender = newSender(c.call, c.maxPayload, c.cfg.ServerName, c.setFatal, c.closedCh)
	return nil
}

// applySessionInfo keeps the request size under the message limit the broker announced.
func (c *Conn) applySessionInfo(resp *pb.ConnectResponse) {
	s := resp.GetSession()
	if s == nil {
		return
	}
	c.sessionID = s.GetId()
	if limit := int(s.GetMaxMessageBytes()) - messageOverhead; limit > 0 && limit < c.maxPayload {
		c.maxPayload = limit
	}
}

func received(data []byte, eof bool) *pb.ConnectRequest {
	return &pb.ConnectRequest{Step: &pb.ConnectRequest_Received{Received: &pb.Received{Data: data, Eof: eof}}}
}

func (c *Conn) mapBrokerError(err error) error {
	return statusError(err, c.cfg.brokerTarget(), c.cfg.policyName(), c.cfg.ServerName)
}

// ConnectionState reports what the handshake negotiated; HandshakeComplete is false before.
func (c *Conn) ConnectionState() ConnectionState {
	if !c.handshakeDone.Load() {
		return ConnectionState{ServerName: c.cfg.ServerName}
	}
	return c.state
}

// Read reads decrypted application data. It returns io.EOF after the server's close_notify, and
// an error wrapping io.ErrUnexpectedEOF when the server closed TCP without it (a truncation).
func (c *Conn) Read(b []byte) (int, error) {
	if err := c.Handshake(); err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, nil
	}
	c.readMu.Lock()
	defer c.readMu.Unlock()
	for {
		if len(c.undelivered) > 0 {
			n := copy(b, c.undelivered)
			c.undelivered = c.undelivered[n:]
			return n, nil
		}
		if c.closed.Load() {
			return 0, net.ErrClosed
		}
		if c.readErr != nil {
			return 0, c.readErr
		}
		if err := c.fatalErr(); err != nil {
			return 0, err
		}
		if len(c.ahead) == 0 {
			if c.sockErr != nil {
				c.readErr = c.sockErr
				continue
			}
			if c.sockTimedOut != nil {
				err := c.sockTimedOut
				c.sockTimedOut = nil
				return 0, err
			}
			if c.sockEOF {
				c.readErr = fmt.Errorf("tlsbroker: the server closed TCP and the broker kept the session open: %w", io.ErrUnexpectedEOF)
				continue
			}
		}
		if c.sockRead == nil && !c.sockEOF && c.sockErr == nil && c.sockTimedOut == nil && len(c.ahead) < maxReceivedAhead {
			c.startSocketRead()
		}
		if err := c.readStep(); err != nil {
			return 0, err
		}
	}
}

// readStep waits for the next of: bytes from the server (sent on to the broker at once), the
// broker's answer to the oldest Received, the read deadline, Close.
func (c *Conn) readStep() error {
	var head <-chan result
	if len(c.ahead) > 0 {
		head = c.ahead[0].ch
	}
	var deadlineC <-chan time.Time
	if d := c.readDeadline.Load().(time.Time); !d.IsZero() {
		t := time.NewTimer(time.Until(d))
		defer t.Stop()
		deadlineC = t.C
	}
	select {
	case chunk := <-c.sockRead:
		c.sockRead = nil
		c.lastReadFull = len(chunk.data) == cap(chunk.data)
		if len(chunk.data) > 0 {
			if err := c.sendReceived(chunk.data, false); err != nil {
				return err
			}
		}
		switch {
		case chunk.err == nil:
		case errors.Is(chunk.err, io.EOF):
			c.sockEOF = true
			return c.sendReceived(nil, true)
		case isTimeout(chunk.err):
			// A read that outlived a deadline since moved (or cleared) is simply read again.
			if d := c.readDeadline.Load().(time.Time); !d.IsZero() && !time.Now().Before(d) {
				c.sockTimedOut = chunk.err
			}
		default:
			c.sockErr = fmt.Errorf("tlsbroker: reading from the server: %w", chunk.err)
		}
	case r := <-head:
		c.ahead = c.ahead[1:]
		if r.err != nil {
			return c.setFatal(r.err)
		}
		c.handleReadAnswer(r.resp)
	case <-c.call.done:
		if head == nil {
			return c.setFatal(c.call.failure())
		}
	case <-c.closedCh:
		return net.ErrClosed
	case <-deadlineC:
		return &TimeoutError{Op: "read", What: "deadline exceeded"}
	}
	return nil
}

func (c *Conn) sendReceived(data []byte, eof bool) error {
	a, err := c.call.sendRead(received(data, eof))
	if err != nil {
		return c.setFatal(err)
	}
	c.ahead = append(c.ahead, a)
	return nil
}

func (c *Conn) handleReadAnswer(resp *pb.ConnectResponse) {
	c.undelivered = resp.GetPlaintext()
	switch int(resp.GetError()) {
	case sslErrorNone, sslErrorWantRead:
	case sslErrorZeroReturn:
		// SSL_read(3): SSL_ERROR_ZERO_RETURN, the server sent close_notify: a clean end of data.
		c.readErr = io.EOF
		c.peerClosed.Store(true)
	case sslErrorSyscall:
		c.readErr = resultError("read", c.cfg.ServerName, resp)
		c.peerClosed.Store(true)
	default:
		c.readErr = c.setFatal(resultError("read", c.cfg.ServerName, resp))
	}
}

// startSocketRead reads the socket in a goroutine, so that Read can wait for the server's bytes
// and the broker's answers at once. An idle connection keeps one read pending, so its buffer
// holds one TLS record; only while reads fill it does it grow to a whole request.
func (c *Conn) startSocketRead() {
	ch := make(chan socketChunk, 1)
	c.sockRead = ch
	size := c.maxPayload
	if !c.lastReadFull && size > maxRecordBytes {
		size = maxRecordBytes
	}
	go func() {
		buf := make([]byte, size)
		n, err := c.conn.Read(buf)
		ch <- socketChunk{data: buf[:n], err: err}
	}()
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
