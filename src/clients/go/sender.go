package tlsbroker

import (
	"net"
	"sync"
	"time"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

// sender is a Conn's send buffer. Write copies plaintext into it; one goroutine sends it to the
// broker as a Write request whenever fewer than maxWritesInFlight are unanswered, so that
// writes made while the broker is busy go to it together, as one request of up to maxPayload
// bytes. The first failure sticks: every later write and flush returns it.
type sender struct {
	call       *call
	maxPayload int
	serverName string
	setFatal   func(error) error
	closed     <-chan struct{}

	mu      sync.Mutex
	buf     []byte // what Write copied and the loop has not sent yet
	spare   []byte // the previous request's buffer, reused once the request is marshalled
	err     error
	waiters []chan error // flushes waiting until everything sent is answered

	kick  chan struct{} // buffered 1: data or a flush arrived
	space chan struct{} // buffered 1: the buffer was taken
	done  chan struct{} // closed when the loop exits
}

func newSender(c *call, maxPayload int, serverName string, setFatal func(error) error, closed <-chan struct{}) *sender {
	s := &sender{
		call: c, maxPayload: maxPayload, serverName: serverName, setFatal: setFatal, closed: closed,
		kick: make(chan struct{}, 1), space: make(chan struct{}, 1), done: make(chan struct{}),
	}
	go s.run()
	return s
}

// write copies b into the buffer, waiting for room while the buffer is full; deadline (zero
// for none) bounds the wait, and a wait that times out breaks the write side, as in crypto/tls.
func (s *sender) write(b []byte, deadline time.Time) (int, error) {
	n := 0
	for len(b) > 0 {
		s.mu.Lock()
		if s.err != nil {
			err := s.err
			s.mu.Unlock()
			return n, err
		}
		if room := s.maxPayload - len(s.buf); room > 0 {
			if s.buf == nil {
				s.buf = make([]byte, 0, s.maxPayload)
			}
			if room > len(b) {
				room = len(b)
			}
			s.buf = append(s.buf, b[:room]...)
			b = b[room:]
			n += room
			s.mu.Unlock()
			signal(s.kick)
			continue
		}
		s.mu.Unlock()
		if err := s.await(s.space, nil, deadline); err != nil {
			return n, s.fail(err)
		}
	}
	return n, nil
}

// flush waits until everything written is sent and answered, its records on the socket.
func (s *sender) flush(deadline time.Time) error {
	answered := make(chan error, 1)
	s.mu.Lock()
	if s.err != nil {
		err := s.err
		s.mu.Unlock()
		return err
	}
	s.waiters = append(s.waiters, answered)
	s.mu.Unlock()
	signal(s.kick)
	if err := s.await(nil, answered, deadline); err != nil {
		return s.fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// await waits for wake or result (either may be nil), bounded by deadline, Close and the loop's end.
func (s *sender) await(wake <-chan struct{}, result <-chan error, deadline time.Time) error {
	var deadlineC <-chan time.Time
	if !deadline.IsZero() {
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		deadlineC = t.C
	}
	select {
	case <-wake:
		return nil
	case err := <-result:
		return err
	case <-deadlineC:
		return &TimeoutError{Op: "write", What: "deadline exceeded"}
	case <-s.closed:
		return net.ErrClosed
	case <-s.done:
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.err
	}
}

// fail records the first failure and answers every waiting flush with it.
func (s *sender) fail(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
	for _, w := range s.waiters {
		w <- s.err
	}
	s.waiters = nil
	return s.err
}

func (s *sender) run() {
	defer close(s.done)
	var inflight []*answer
	for {
		s.mu.Lock()
		if s.err != nil {
			s.mu.Unlock()
			return
		}
		var chunk []byte
		switch {
		case len(s.buf) > 0 && len(inflight) < maxWritesInFlight:
			chunk, s.buf, s.spare = s.buf, s.spare, nil
		case len(s.buf) == 0 && len(inflight) == 0:
			for _, w := range s.waiters {
				w <- nil
			}
			s.waiters = nil
		}
		s.mu.Unlock()

		if chunk != nil {
			signal(s.space)
			a, err := s.call.send(&pb.ConnectRequest{Step: &pb.ConnectRequest_Write{Write: &pb.Write{Plaintext: chunk}}})
			if err != nil {
				s.fail(s.setFatal(err))
				continue
			}
			// grpc-go marshals the message in Send: the buffer is free again.
			s.mu.Lock()
			s.spare = chunk[:0]
			s.mu.Unlock()
			inflight = append(inflight, a)
			continue
		}
		inflight = s.step(inflight)
	}
}

// step waits for new data, a flush, the oldest answer or Close. The broker timeout bounds the
// broker's response, not the socket write after it (a server may read slowly).
func (s *sender) step(inflight []*answer) []*answer {
	var head <-chan result
	var responded <-chan struct{}
	var timeout <-chan time.Time
	if len(inflight) > 0 {
		head = inflight[0].ch
		select {
		case <-inflight[0].responded:
		default:
			responded = inflight[0].responded
			t := time.NewTimer(s.call.timeout)
			defer t.Stop()
			timeout = t.C
		}
	}
	select {
	case <-s.kick:
	case <-responded:
	case r := <-head:
		inflight = inflight[1:]
		switch {
		case r.err != nil:
			s.fail(s.setFatal(r.err))
		case r.resp.GetRet() < 0:
			err := resultError("write", s.serverName, r.resp)
			if int(r.resp.GetError()) == sslErrorSSL {
				err = s.setFatal(err)
			}
			s.fail(err)
		}
	case <-timeout:
		err := &TimeoutError{Op: "write", Wait: s.call.timeout, What: "the broker did not answer"}
		s.call.interrupt(err)
		s.fail(s.setFatal(err))
	case <-s.closed:
		s.fail(net.ErrClosed)
	}
	return inflight
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
