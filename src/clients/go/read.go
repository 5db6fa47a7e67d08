package tlsbroker

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

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
		if c.layer != nil {
			return c.readExported(b)
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

// readExported reads through the exported record layer. Close interrupts a blocked read by
// closing the connection, which reads then report as net.ErrClosed.
func (c *Conn) readExported(b []byte) (int, error) {
	n, err := c.layer.read(b)
	if err != nil && c.closed.Load() {
		return n, net.ErrClosed
	}
	return n, err
}
