package tlsbroker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

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
			c.framer.consume(buf[:n])
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
	if c.cfg.ExportKeysAfterHandshake && exportable(c.state.VersionName, c.state.CipherSuiteName) {
		if err := c.finishRecord(ctx); err != nil {
			return failed(err)
		}
		if err := c.takeKeys(ctx); err != nil {
			return failed(err)
		}
		return nil
	}
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
	limit := int(s.GetMaxMessageBytes())
	if limit <= 0 {
		return
	}
	// A request's framing (the oneof tag, lengths) takes a few bytes; the margin is generous
	// except under a tiny limit, where half of it still leaves room.
	room := limit - messageOverhead
	if room < limit/2 {
		room = limit / 2
	}
	if room < c.maxPayload {
		c.maxPayload = room
	}
}

func received(data []byte, eof bool) *pb.ConnectRequest {
	return &pb.ConnectRequest{Step: &pb.ConnectRequest_Received{Received: &pb.Received{Data: data, Eof: eof}}}
}

func (c *Conn) mapBrokerError(err error) error {
	return statusError(err, c.cfg.brokerTarget(), c.cfg.policyName(), c.cfg.ServerName)
}
