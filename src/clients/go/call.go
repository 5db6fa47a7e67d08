package tlsbroker

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

// call is one Connect stream. The broker answers every request with exactly one response, in
// request order (broker.proto, "Lockstep"), so a request may be sent before the earlier ones
// are answered: each response belongs to the oldest request still unanswered. One goroutine
// receives the responses; another writes the records they carry to the socket, in the order the
// broker produced them (TLS sequence numbers, RFC 8446 §5.3). A response is handed over once its
// records are on the socket, except the answers to data-phase reads: those go to the reader at
// once, so that a server that stops reading until its own writes are read cannot deadlock the
// session (its echo waits in our socket while our records wait in its socket).
type call struct {
	stream  pb.BrokerService_ConnectClient
	cancel  func()
	conn    net.Conn
	timeout time.Duration
	mapErr  func(error) error
	onToken func([]byte)

	sendMu sync.Mutex

	mu       sync.Mutex
	queue    []*answer
	out      []outgoing // records for the socket, oldest first
	err      error      // why the call can no longer be used; the first cause wins
	done     chan struct{}
	closing  bool // CloseSend was called: the stream's end is expected
	received chan struct{}
	outKick  chan struct{}
}

type answer struct {
	ch         chan result   // buffered: whoever delivers never blocks on it
	afterWrite bool          // deliver once the response's records are on the socket
	responded  chan struct{} // closed when the broker's response arrived (its records may still wait for the socket)
}

// outgoing is records to write, then (when a is set) the response to hand over.
type outgoing struct {
	records []byte
	a       *answer
	resp    *pb.ConnectResponse
}

type result struct {
	resp *pb.ConnectResponse
	err  error
}

func newCall(stream pb.BrokerService_ConnectClient, cancel func(), conn net.Conn, timeout time.Duration,
	mapErr func(error) error, onToken func([]byte)) *call {
	c := &call{
		stream: stream, cancel: cancel, conn: conn, timeout: timeout, mapErr: mapErr, onToken: onToken,
		done: make(chan struct{}), received: make(chan struct{}), outKick: make(chan struct{}, 1),
	}
	go c.receive()
	go c.writeRecords()
	return c
}

// send sends req once the requests before it are sent, without waiting for its response, which
// comes once its records are on the socket. A send that the broker does not take within the
// timeout (HTTP/2 flow control) interrupts the call.
func (c *call) send(req *pb.ConnectRequest) (*answer, error) { return c.sendRequest(req, true) }

// sendRead is send for a data-phase Received, whose answer (the plaintext) comes at once.
func (c *call) sendRead(req *pb.ConnectRequest) (*answer, error) { return c.sendRequest(req, false) }

func (c *call) sendRequest(req *pb.ConnectRequest, afterWrite bool) (*answer, error) {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	a := &answer{ch: make(chan result, 1), afterWrite: afterWrite, responded: make(chan struct{})}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return nil, c.err
	}
	c.queue = append(c.queue, a)
	c.mu.Unlock()

	timer := time.AfterFunc(c.timeout, func() {
		c.interrupt(&TimeoutError{Op: "send", Wait: c.timeout, What: "the broker did not take the request"})
	})
	err := c.stream.Send(req)
	timer.Stop()
	if err != nil {
		if errors.Is(err, io.EOF) {
			// grpc-go: SendMsg returns io.EOF when the stream ended; Recv reports why.
			select {
			case <-c.done:
			case <-time.After(c.timeout):
				c.interrupt(&BrokerError{Code: codes.Unavailable, Message: "the broker ended the session stream"})
			}
		} else {
			c.interrupt(c.mapErr(err))
		}
		return nil, c.failure()
	}
	return a, nil
}

// wait waits for a's response. deadline (zero for none) is the caller's own deadline: when it
// passes, wait returns a timeout and a stays valid for a later wait. The broker timeout, in
// contrast, interrupts the call: a response that never comes breaks the lockstep for good. It
// bounds the broker's answer only, not the socket write after it, which a slowly reading
// server may hold up (that wait is the caller's deadline's to bound).
func (c *call) wait(a *answer, deadline time.Time, op string) (*pb.ConnectResponse, error) {
	brokerTimer := time.NewTimer(c.timeout)
	defer brokerTimer.Stop()
	brokerC, responded := brokerTimer.C, a.responded
	var deadlineC <-chan time.Time
	if !deadline.IsZero() {
		d := time.NewTimer(time.Until(deadline))
		defer d.Stop()
		deadlineC = d.C
	}
	for {
		select {
		case r := <-a.ch:
			return r.resp, r.err
		case <-responded:
			brokerC, responded = nil, nil
		case <-brokerC:
			timeout := &TimeoutError{Op: op, Wait: c.timeout, What: "the broker did not answer"}
			c.interrupt(timeout)
			return nil, timeout
		case <-deadlineC:
			return nil, &TimeoutError{Op: op, What: "deadline exceeded"}
		}
	}
}

// exchange sends req and waits for its response.
func (c *call) exchange(req *pb.ConnectRequest, deadline time.Time, op string) (*pb.ConnectResponse, error) {
	a, err := c.send(req)
	if err != nil {
		return nil, err
	}
	return c.wait(a, deadline, op)
}

// closeSend ends the request stream and waits, within the timeout, for the broker to end its
// side; then the stream is released either way.
func (c *call) closeSend() {
	c.mu.Lock()
	c.closing = true
	alive := c.err == nil
	c.mu.Unlock()
	if alive {
		c.sendMu.Lock()
		_ = c.stream.CloseSend()
		c.sendMu.Unlock()
		select {
		case <-c.received:
		case <-time.After(c.timeout):
		}
	}
	c.interrupt(net.ErrClosed)
}

func (c *call) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// interrupt marks the call unusable, cancels the stream (which frees the session in the broker)
// and fails every unanswered request with cause.
func (c *call) interrupt(cause error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = cause
	orphans := c.queue
	c.queue = nil
	for _, o := range c.out {
		if o.a != nil {
			orphans = append(orphans, o.a)
		}
	}
	c.out = nil
	close(c.done)
	c.mu.Unlock()
	c.cancel()
	for _, a := range orphans {
		a.ch <- result{err: cause}
	}
}

func (c *call) receive() {
	defer close(c.received)
	for {
		resp, err := c.stream.Recv()
		if err != nil {
			c.mu.Lock()
			expected := c.closing && len(c.queue) == 0
			c.mu.Unlock()
			switch {
			case expected:
				c.interrupt(net.ErrClosed)
			case errors.Is(err, io.EOF):
				c.interrupt(&BrokerError{Code: codes.Unavailable, Message: "the broker ended the session stream without answering"})
			default:
				c.interrupt(c.mapErr(err))
			}
			return
		}
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.mu.Unlock()
			c.interrupt(&BrokerError{Code: codes.Internal, Message: "the broker sent a response nobody asked for"})
			return
		}
		a := c.queue[0]
		c.queue = c.queue[1:]
		close(a.responded)
		records := resp.GetRecordsToSend()
		switch {
		case a.afterWrite:
			c.out = append(c.out, outgoing{records: records, a: a, resp: resp})
		case len(records) > 0:
			c.out = append(c.out, outgoing{records: records})
		}
		c.mu.Unlock()
		signal(c.outKick)
		if token := resp.GetResumptionToken(); len(token) > 0 && c.onToken != nil {
			c.onToken(token)
		}
		if !a.afterWrite {
			a.ch <- result{resp: resp}
		}
	}
}

// writeRecords writes the responses' records to the socket in order, then hands over the
// responses that wait for that.
func (c *call) writeRecords() {
	for {
		select {
		case <-c.outKick:
		case <-c.done:
			return
		}
		for {
			c.mu.Lock()
			if len(c.out) == 0 || c.err != nil {
				c.mu.Unlock()
				break
			}
			o := c.out[0]
			c.out = c.out[1:]
			c.mu.Unlock()
			if len(o.records) > 0 {
				if _, err := c.conn.Write(o.records); err != nil {
					failure := fmt.Errorf("tlsbroker: writing to the server: %w", err)
					if o.a != nil {
						o.a.ch <- result{err: failure}
					}
					c.interrupt(failure)
					return
				}
			}
			if o.a != nil {
				o.a.ch <- result{resp: o.resp}
			}
		}
	}
}
