package tlsbroker

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

// In-memory tests of the exported record layer: the "server" is a recordCipher pair with the
// same keys, over net.Pipe. The interop with real servers is TestConn_KeyExport's.

const unitWait = 10 * time.Second

func hexBytes(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestHkdfExpandLabel_RFC8448TrafficSecret_KeyAndIV(t *testing.T) {
	// RFC 8448 §3 (Simple 1-RTT Handshake), "derive write traffic keys for handshake data".
	secret := hexBytes("b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38")
	h, _ := tls13Hash("SHA256")

	key := hkdfExpandLabel(h, secret, "key", 16)
	iv := hkdfExpandLabel(h, secret, "iv", 12)

	if want := hexBytes("3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc"); !bytes.Equal(key, want) {
		t.Errorf("key % x, expected % x", key, want)
	}
	if want := hexBytes("5d 31 3e b2 67 12 76 ee 13 00 0b 30"); !bytes.Equal(iv, want) {
		t.Errorf("iv % x, expected % x", iv, want)
	}
}

// pipePeer is the server's end: it seals with the server's keys and opens with the client's.
type pipePeer struct {
	t      *testing.T
	conn   net.Conn
	layer  *recordLayer // the client under test
	seal   *recordCipher
	open   *recordCipher
	opened chan openedRecord
	secret []byte // the client's traffic secret, to follow its KeyUpdate
}

type openedRecord struct {
	typ       byte
	plaintext []byte
}

func newPipe(t *testing.T, version string) *pipePeer {
	t.Helper()
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	keys := &pb.ExportedKeys{ProtocolVersion: version}
	if version == "TLSv1.3" {
		keys.CipherSuite, keys.Hash = "TLS_AES_128_GCM_SHA256", "SHA256"
		keys.ClientTrafficSecret = bytes.Repeat([]byte{1}, 32)
		keys.ServerTrafficSecret = bytes.Repeat([]byte{2}, 32)
	} else {
		keys.CipherSuite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
		keys.ClientWriteKey, keys.ServerWriteKey = bytes.Repeat([]byte{3}, 16), bytes.Repeat([]byte{4}, 16)
		keys.ClientWriteIv, keys.ServerWriteIv = []byte{5, 5, 5, 5}, []byte{6, 6, 6, 6}
		keys.ReadSequence, keys.WriteSequence = 7, 9
	}
	var fatal atomic.Value
	layer, err := newRecordLayer(client, "unit.test", keys, func(e error) error { fatal.CompareAndSwap(nil, e); return fatal.Load().(error) }, &atomic.Bool{})
	if err != nil {
		t.Fatal(err)
	}
	p := &pipePeer{t: t, conn: server, layer: layer, opened: make(chan openedRecord, 16)}
	if version == "TLSv1.3" {
		p.secret = append([]byte(nil), keys.ClientTrafficSecret...)
		p.seal, _ = layer.tls13Cipher(keys.ServerTrafficSecret, 0)
		p.open, _ = layer.tls13Cipher(p.secret, 0)
	} else {
		p.seal, _ = newRecordCipher(false, keys.ServerWriteKey, keys.ServerWriteIv, 7)
		p.open, _ = newRecordCipher(false, keys.ClientWriteKey, keys.ClientWriteIv, 9)
	}
	go p.readRecords()
	return p
}

// readRecords opens every record the client writes, following its KeyUpdate.
func (p *pipePeer) readRecords() {
	defer close(p.opened)
	for {
		header := make([]byte, recordHeaderLength)
		if _, err := io.ReadFull(p.conn, header); err != nil {
			return
		}
		fragment := make([]byte, int(header[3])<<8|int(header[4]))
		if _, err := io.ReadFull(p.conn, fragment); err != nil {
			return
		}
		typ, plaintext, alert := p.open.open(header, fragment)
		if alert != nil {
			return
		}
		p.opened <- openedRecord{typ, append([]byte(nil), plaintext...)}
		if typ == recordHandshake && plaintext[0] == handshakeKeyUpdate {
			p.secret = nextTrafficSecret(p.layer.hash, p.secret)
			p.open, _ = p.layer.tls13Cipher(p.secret, 0)
		}
	}
}

func (p *pipePeer) send(typ byte, plaintext []byte) {
	p.t.Helper()
	record, err := p.seal.seal(nil, typ, plaintext)
	if err != nil {
		p.t.Fatal(err)
	}
	p.sendRaw(record)
}

func (p *pipePeer) sendRaw(record []byte) {
	go func() { _, _ = p.conn.Write(record) }()
}

func (p *pipePeer) next() openedRecord {
	p.t.Helper()
	select {
	case r, ok := <-p.opened:
		if !ok {
			p.t.Fatal("the client's record stream ended")
		}
		return r
	case <-time.After(unitWait):
		p.t.Fatal("no record from the client")
	}
	return openedRecord{}
}

// read reads once from the client's layer, bounded.
func (p *pipePeer) read() (string, error) {
	p.t.Helper()
	type got struct {
		s   string
		err error
	}
	ch := make(chan got, 1)
	go func() {
		b := make([]byte, 1<<15)
		n, err := p.layer.read(b)
		ch <- got{string(b[:n]), err}
	}()
	select {
	case g := <-ch:
		return g.s, g.err
	case <-time.After(unitWait):
		p.t.Fatal("the client's read did not return")
	}
	return "", nil
}

func expectSentAlert(t *testing.T, p *pipePeer, err error, description uint8) {
	t.Helper()
	var alert *AlertError
	if !errors.As(err, &alert) || alert.Alert.Description != description || !alert.Alert.Sent || !alert.Alert.Fatal {
		t.Fatalf("read: %T %v; expected a sent fatal alert %d", err, err, description)
	}
	if r := p.next(); r.typ != recordAlert || !bytes.Equal(r.plaintext, []byte{2, description}) {
		t.Errorf("the server received type %d % x, expected the fatal alert %d", r.typ, r.plaintext, description)
	}
}

func TestRecordLayerRead_DataBothVersions_Delivered(t *testing.T) {
	for _, version := range []string{"TLSv1.3", "TLSv1.2"} {
		p := newPipe(t, version)
		p.send(recordApplicationData, []byte("hello"))
		got, err := p.read()
		if got != "hello" || err != nil {
			t.Errorf("%s: read %q, %v", version, got, err)
		}
	}
}

func TestRecordLayerRead_RecordLongerThanTheLimit_RecordOverflowSent(t *testing.T) {
	p := newPipe(t, "TLSv1.3")
	length := maxCiphertext13 + 1
	p.sendRaw(append([]byte{recordApplicationData, 3, 3, byte(length >> 8), byte(length)}, make([]byte, length)...))
	_, err := p.read()
	expectSentAlert(t, p, err, alertRecordOverflow)
}

func TestRecordLayerRead_ReplayedRecord_BadRecordMACSent(t *testing.T) {
	p := newPipe(t, "TLSv1.2")
	record, _ := p.seal.seal(nil, recordApplicationData, []byte("once"))
	p.sendRaw(append(append([]byte(nil), record...), record...))
	if got, err := p.read(); got != "once" || err != nil {
		t.Fatalf("first read: %q, %v", got, err)
	}
	_, err := p.read()
	expectSentAlert(t, p, err, alertBadRecordMAC)
}

func TestRecordLayerRead_TLS12PlaintextOver2To14_RecordOverflowSent(t *testing.T) {
	p := newPipe(t, "TLSv1.2")
	p.send(recordApplicationData, make([]byte, maxPlaintext+1))
	_, err := p.read()
	expectSentAlert(t, p, err, alertRecordOverflow)
}

func TestRecordLayerRead_KeyUpdateNotLastInItsRecord_UnexpectedMessageSent(t *testing.T) {
	p := newPipe(t, "TLSv1.3")
	p.send(recordHandshake, []byte{handshakeKeyUpdate, 0, 0, 1, 0, handshakeNewSessionTicket, 0, 0, 0})
	_, err := p.read()
	expectSentAlert(t, p, err, alertUnexpectedMessage)
}

func TestRecordLayerRead_KeyUpdateBadRequest_IllegalParameterSent(t *testing.T) {
	p := newPipe(t, "TLSv1.3")
	p.send(recordHandshake, []byte{handshakeKeyUpdate, 0, 0, 1, 2})
	_, err := p.read()
	expectSentAlert(t, p, err, alertIllegalParameter)
}

func TestRecordLayerRead_ServerFatalAlert_AlertErrorReceived(t *testing.T) {
	p := newPipe(t, "TLSv1.2")
	p.send(recordAlert, []byte{1, 100}) // a TLS 1.2 warning (no_renegotiation) goes by
	p.send(recordAlert, []byte{2, 40})
	_, err := p.read()
	var alert *AlertError
	if !errors.As(err, &alert) || alert.Alert.Description != 40 || alert.Alert.Name != "handshake_failure" || alert.Alert.Sent {
		t.Fatalf("read: %T %v; expected the received fatal handshake_failure(40)", err, err)
	}
}

func TestRecordLayerRead_CloseNotify_EOFAndAnswered(t *testing.T) {
	p := newPipe(t, "TLSv1.3")
	p.send(recordAlert, []byte{1, alertCloseNotify})
	if _, err := p.read(); err != io.EOF {
		t.Fatalf("read: %v, expected io.EOF", err)
	}
	if r := p.next(); r.typ != recordAlert || !bytes.Equal(r.plaintext, []byte{1, alertCloseNotify}) {
		t.Errorf("the server received type %d % x, expected close_notify", r.typ, r.plaintext)
	}
	if _, err := p.layer.write([]byte("late")); !errors.Is(err, errShutdown) {
		t.Errorf("write after close_notify: %v", err)
	}
}

func TestRecordLayerWrite_WriteSequenceAtTheAESGCMLimit_KeyUpdateBeforeNextRecord(t *testing.T) {
	p := newPipe(t, "TLSv1.3")
	p.layer.writer.seq = keyUpdateAfterRecords - 1
	p.open.seq = keyUpdateAfterRecords - 1
	for _, s := range []string{"a", "b"} {
		if _, err := p.layer.write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	first, update, second := p.next(), p.next(), p.next()
	if first.typ != recordApplicationData || string(first.plaintext) != "a" {
		t.Errorf("first record: type %d %q", first.typ, first.plaintext)
	}
	if update.typ != recordHandshake || !bytes.Equal(update.plaintext, []byte{handshakeKeyUpdate, 0, 0, 1, 0}) {
		t.Errorf("second record: type %d % x, expected KeyUpdate(update_not_requested)", update.typ, update.plaintext)
	}
	if second.typ != recordApplicationData || string(second.plaintext) != "b" || p.layer.writer.seq != 1 {
		t.Errorf("third record: type %d %q, write sequence %d; expected \"b\" under the next key", second.typ, second.plaintext, p.layer.writer.seq)
	}
}

func TestRecordLayerWrite_LargeWrite_RecordsOfAtMost2To14(t *testing.T) {
	p := newPipe(t, "TLSv1.2")
	data := bytes.Repeat([]byte("x"), 3*maxPlaintext+5)
	done := make(chan error, 1)
	go func() { _, err := p.layer.write(data); done <- err }()
	var sizes []int
	for total := 0; total < len(data); {
		r := p.next()
		sizes = append(sizes, len(r.plaintext))
		total += len(r.plaintext)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if want := []int{maxPlaintext, maxPlaintext, maxPlaintext, 5}; len(sizes) != 4 || sizes[0] != want[0] || sizes[1] != want[1] || sizes[2] != want[2] || sizes[3] != want[3] {
		t.Errorf("record sizes %v, expected %v", sizes, want)
	}
}

func TestRecordLayerWrite_SequenceWouldWrap_WriteSideBroken(t *testing.T) {
	p := newPipe(t, "TLSv1.2")
	p.layer.writer.seq = math.MaxUint64
	_, err := p.layer.write([]byte("x"))
	if !errors.Is(err, errSequenceExhausted) {
		t.Fatalf("write at sequence 2^64-1: %v; expected errSequenceExhausted (RFC 5246 §6.1)", err)
	}
	if _, again := p.layer.write([]byte("y")); again != err {
		t.Errorf("the next write: %v; expected the same error", again)
	}
}
