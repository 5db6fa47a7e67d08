package tlsbroker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

// takeKeys asks the broker for the session's keys (broker.proto, ExportKeys) and builds the
// record layer from them; the broker then holds no session, and the stream ends. A refusal
// (PERMISSION_DENIED when the policy's KeyExport does not name this caller, FAILED_PRECONDITION)
// fails the handshake. The copies of the keys in the response are zeroed once used.
func (c *Conn) takeKeys(ctx context.Context) error {
	deadline, _ := ctx.Deadline()
	resp, err := c.call.exchange(&pb.ConnectRequest{Step: &pb.ConnectRequest_ExportKeys{ExportKeys: &pb.ExportKeys{}}}, deadline, "handshake")
	if err != nil {
		return err
	}
	keys := resp.GetExportedKeys()
	defer wipeExported(keys)
	if resp.GetRet() != 1 || keys == nil {
		return errors.New("tlsbroker: the broker answered the key export without keys")
	}
	layer, err := newRecordLayer(c.conn, c.cfg.ServerName, keys, c.setFatal, &c.peerClosed)
	if err != nil {
		return err
	}
	c.layer = layer
	c.state.KeysExported = true
	c.call.closeSend()
	c.releaseBroker()
	return nil
}

func wipeExported(keys *pb.ExportedKeys) {
	if keys == nil {
		return
	}
	for _, secret := range [][]byte{keys.ClientTrafficSecret, keys.ServerTrafficSecret, keys.ClientWriteKey, keys.ServerWriteKey, keys.ClientWriteIv, keys.ServerWriteIv} {
		zero(secret)
	}
}

// finishRecord reads the rest of a record the handshake's last read ended inside, and gives it
// to the broker, whose plaintext (the server's first data) is delivered before what the record
// layer reads. Reads take no more than the record's rest, so nothing goes past the boundary.
// They are bounded by the handshake's deadline.
func (c *Conn) finishRecord(ctx context.Context) error {
	if c.framer.missing() == 0 {
		return nil
	}
	deadline, _ := ctx.Deadline()
	_ = c.conn.SetReadDeadline(deadline)
	defer func() { _ = c.conn.SetReadDeadline(c.readDeadline.Load().(time.Time)) }()
	for missing := c.framer.missing(); missing > 0; missing = c.framer.missing() {
		buf := make([]byte, missing)
		n, err := c.conn.Read(buf)
		if n == 0 {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("tlsbroker: handshake with %s: reading the rest of a record before the key export: %w", c.cfg.ServerName, err)
		}
		c.framer.consume(buf[:n])
		resp, err := c.call.exchange(received(buf[:n], false), deadline, "handshake")
		if err != nil {
			return err
		}
		switch int(resp.GetError()) {
		case sslErrorSSL, sslErrorSyscall:
			return resultError("handshake", c.cfg.ServerName, resp)
		}
		c.undelivered = append(c.undelivered, resp.GetPlaintext()...)
	}
	return nil
}
