package tlsbroker

import (
	"context"
	"errors"

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
