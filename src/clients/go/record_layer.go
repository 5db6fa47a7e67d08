package tlsbroker

import (
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

const (
	handshakeNewSessionTicket = 4
	handshakeHelloRequest     = 0
	handshakeKeyUpdate        = 24
	// maxHandshakeBuffered bounds a post-handshake message being reassembled: a NewSessionTicket
	// is at most a 2^16-byte ticket plus its extensions.
	maxHandshakeBuffered = 1 << 18
	// keyUpdateAfterRecords is when the write side moves to new keys by itself: RFC 8446 §5.5,
	// "For AES-GCM, up to 2^24.5 full-size records (about 24 million) may be encrypted on a given
	// connection while keeping a safety margin of approximately 2^-57".
	keyUpdateAfterRecords = 1 << 24
	// recordsPerWrite batches records into one socket write.
	recordsPerWrite = 4
)

// exportable reports whether this package's record layer can run a suite, i.e. whether to ask
// the broker for its keys. Go's standard library has AES-GCM but no ChaCha20-Poly1305, and the
// suite is known only once the handshake is done (Start offers no suite list), so for any other
// suite the Conn keeps the data path through the broker rather than fail a connection the
// policy allows (ConnectionState.KeysExported tells which happened).
func exportable(version, suite string) bool {
	switch version {
	case "TLSv1.3":
		return suite == "TLS_AES_128_GCM_SHA256" || suite == "TLS_AES_256_GCM_SHA384"
	case "TLSv1.2":
		return strings.HasSuffix(suite, "_WITH_AES_128_GCM_SHA256") || strings.HasSuffix(suite, "_WITH_AES_256_GCM_SHA384")
	}
	return false
}

// recordLayer runs the session on the caller's connection once the broker exported its keys:
// application data both ways, close_notify (RFC 8446 §6.1, RFC 5246 §7.2.1), the server's
// KeyUpdate (RFC 8446 §4.6.3); it ignores NewSessionTicket (TLS 1.3) and HelloRequest (TLS 1.2,
// RFC 5246 §7.4.1.1: "the client MAY ignore it"). The read side runs under Conn.readMu; writes,
// including the reader's (alerts, KeyUpdate), take turns on writeMu.
type recordLayer struct {
	conn       net.Conn
	serverName string
	tls13      bool
	hash       func() hash.Hash
	keyLength  int
	setFatal   func(error) error
	peerClosed *atomic.Bool

	reader       *recordCipher
	secretMu     sync.Mutex // serverSecret: the reader rotates it, Close zeroes it
	serverSecret []byte
	input        []byte // bytes read from the socket; input[inStart:inEnd] are unread
	inStart      int
	inEnd        int
	pending      []byte // plaintext not yet delivered, inside input
	handshake    []byte // a post-handshake message split across records
	readErr      error  // how reading ended: io.EOF, a truncation, a socket failure

	writeMu         sync.Mutex
	writer          *recordCipher
	clientSecret    []byte
	closeNotifySent bool
	writeErr        error // a failed or timed-out socket write breaks the write side for good
	keyUpdateOwed   atomic.Bool
}

func newRecordLayer(conn net.Conn, serverName string, keys *pb.ExportedKeys, setFatal func(error) error, peerClosed *atomic.Bool) (*recordLayer, error) {
	l := &recordLayer{
		conn: conn, serverName: serverName, setFatal: setFatal, peerClosed: peerClosed,
		tls13: keys.GetProtocolVersion() == "TLSv1.3",
		input: make([]byte, recordsPerWrite*(recordHeaderLength+maxCiphertext12)),
	}
	if !exportable(keys.GetProtocolVersion(), keys.GetCipherSuite()) {
		return nil, fmt.Errorf("tlsbroker: the broker exported %s %s, which this record layer does not run", keys.GetProtocolVersion(), keys.GetCipherSuite())
	}
	var err error
	if l.tls13 {
		if l.hash, err = tls13Hash(keys.GetHash()); err != nil {
			return nil, fmt.Errorf("tlsbroker: exported keys: %w", err)
		}
		l.keyLength = 16
		if strings.Contains(keys.GetCipherSuite(), "AES_256") {
			l.keyLength = 32
		}
		l.clientSecret = append([]byte(nil), keys.GetClientTrafficSecret()...)
		l.serverSecret = append([]byte(nil), keys.GetServerTrafficSecret()...)
		if l.reader, err = l.tls13Cipher(l.serverSecret, keys.GetReadSequence()); err == nil {
			l.writer, err = l.tls13Cipher(l.clientSecret, keys.GetWriteSequence())
		}
		// RFC 8446 §4.6.3: a KeyUpdate the server requested before the export is answered
		// before the next application data.
		l.keyUpdateOwed.Store(keys.GetKeyUpdateOwed())
	} else {
		if l.reader, err = newRecordCipher(false, keys.GetServerWriteKey(), keys.GetServerWriteIv(), keys.GetReadSequence()); err == nil {
			l.writer, err = newRecordCipher(false, keys.GetClientWriteKey(), keys.GetClientWriteIv(), keys.GetWriteSequence())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("tlsbroker: exported keys: %w", err)
	}
	return l, nil
}

// tls13Cipher is RFC 8446 §7.3: [sender]_write_key and _iv by HKDF-Expand-Label from the secret.
func (l *recordLayer) tls13Cipher(secret []byte, seq uint64) (*recordCipher, error) {
	key := hkdfExpandLabel(l.hash, secret, "key", l.keyLength)
	defer zero(key)
	iv := hkdfExpandLabel(l.hash, secret, "iv", tls13IVLength)
	defer zero(iv)
	return newRecordCipher(true, key, iv, seq)
}

// read returns application data: io.EOF after the server's close_notify.
func (l *recordLayer) read(b []byte) (int, error) {
	for {
		if len(l.pending) > 0 {
			n := copy(b, l.pending)
			l.pending = l.pending[n:]
			return n, nil
		}
		if l.readErr != nil {
			return 0, l.readErr
		}
		typ, plaintext, err := l.readRecord()
		if err != nil {
			return 0, err
		}
		switch typ {
		case recordApplicationData:
			l.pending = plaintext
		case recordAlert:
			if err := l.onAlert(plaintext); err != nil {
				return 0, err
			}
		case recordHandshake:
			if err := l.onHandshake(plaintext); err != nil {
				return 0, err
			}
		default:
			// RFC 8446 §5, RFC 5246 §6: an unexpected record type is unexpected_message.
			return 0, l.fail(alertUnexpectedMessage, fmt.Sprintf("a record of type %d after the handshake", typ))
		}
	}
}

// readRecord reads and opens the next record. A socket timeout leaves what was read buffered,
// so that the next read goes on from there.
func (l *recordLayer) readRecord() (byte, []byte, error) {
	if err := l.fill(recordHeaderLength); err != nil {
		return 0, nil, err
	}
	header := l.input[l.inStart : l.inStart+recordHeaderLength]
	length := int(header[3])<<8 | int(header[4])
	limit := maxCiphertext12
	if l.tls13 {
		limit = maxCiphertext13
		if header[0] != recordApplicationData {
			// RFC 8446 §5: after the handshake every record is protected, its outer type
			// application_data; change_cipher_spec is allowed only during the handshake.
			return 0, nil, l.fail(alertUnexpectedMessage, fmt.Sprintf("an unprotected record of type %d after the handshake", header[0]))
		}
	}
	if length > limit {
		return 0, nil, l.fail(alertRecordOverflow, fmt.Sprintf("a record of %d bytes, more than the %d RFC 8446 §5.2 / RFC 5246 §6.2.3 allow", length, limit))
	}
	if err := l.fill(recordHeaderLength + length); err != nil {
		return 0, nil, err
	}
	start := l.inStart
	l.inStart += recordHeaderLength + length
	typ, plaintext, alert := l.reader.open(l.input[start:start+recordHeaderLength], l.input[start+recordHeaderLength:l.inStart])
	if alert != nil {
		return 0, nil, l.fail(alert.description, alert.reason)
	}
	return typ, plaintext, nil
}

// fill reads until n unread bytes are buffered. It runs only once the last plaintext was
// delivered, so moving the unread bytes to the front overwrites nothing still owed.
func (l *recordLayer) fill(n int) error {
	if len(l.input)-l.inStart < n {
		l.inEnd = copy(l.input, l.input[l.inStart:l.inEnd])
		l.inStart = 0
	}
	for l.inEnd-l.inStart < n {
		read, err := l.conn.Read(l.input[l.inEnd:])
		l.inEnd += read
		switch {
		case read > 0:
		case errors.Is(err, io.EOF):
			// SSL_read(3), OpenSSL 3: EOF without close_notify is SSL_ERROR_SYSCALL, "unexpected
			// eof while reading": the data may have been truncated.
			l.peerClosed.Store(true)
			l.readErr = fmt.Errorf("tlsbroker: read with %s: unexpected eof while reading: %w", l.serverName, io.ErrUnexpectedEOF)
			return l.readErr
		case isTimeout(err):
			return err
		case err != nil:
			l.readErr = fmt.Errorf("tlsbroker: reading from the server: %w", err)
			return l.readErr
		}
	}
	return nil
}

func (l *recordLayer) onAlert(alert []byte) error {
	if len(alert) != 2 {
		return l.fail(alertDecodeError, "an alert record that is not 2 bytes long (RFC 8446 §6)")
	}
	level, description := alert[0], alert[1]
	if description == alertCloseNotify {
		// RFC 8446 §6.1: the server closed its write side. Ours is answered with close_notify
		// when no Write holds it (as the broker does); else Close or CloseWrite sends it.
		l.peerClosed.Store(true)
		l.readErr = io.EOF
		if l.writeMu.TryLock() {
			_ = l.closeNotifyLocked()
			l.writeMu.Unlock()
		}
		return io.EOF
	}
	// RFC 8446 §6: at TLS 1.3 every alert but close_notify and user_canceled is fatal whatever
	// its level; RFC 5246 §7.2 lets a TLS 1.2 warning go on.
	if (l.tls13 && description == alertUserCanceled) || (!l.tls13 && level == 1) {
		return nil
	}
	l.peerClosed.Store(true)
	err := &AlertError{
		Op:         "read",
		Alert:      Alert{Description: description, Name: alertName(description), Fatal: true, Sent: false},
		SSLError:   sslErrorSSL,
		Reason:     "the server sent a fatal alert",
		ServerName: l.serverName,
	}
	l.readErr = l.setFatal(err)
	return l.readErr
}

// onHandshake reassembles post-handshake messages (RFC 8446 §5.1: coalesced into one record or
// split across several) and handles each.
func (l *recordLayer) onHandshake(fragment []byte) error {
	if len(fragment) == 0 {
		// RFC 8446 §5.1: "Implementations MUST NOT send zero-length fragments of Handshake types".
		return l.fail(alertUnexpectedMessage, "a zero-length handshake record")
	}
	l.handshake = append(l.handshake, fragment...)
	if len(l.handshake) > maxHandshakeBuffered {
		return l.fail(alertUnexpectedMessage, "a post-handshake message longer than this client accepts")
	}
	for len(l.handshake) >= 4 {
		length := int(l.handshake[1])<<16 | int(l.handshake[2])<<8 | int(l.handshake[3])
		if len(l.handshake)-4 < length {
			return nil
		}
		typ, body := l.handshake[0], l.handshake[4:4+length]
		rest := l.handshake[4+length:]
		switch {
		case l.tls13 && typ == handshakeNewSessionTicket, !l.tls13 && typ == handshakeHelloRequest:
		case l.tls13 && typ == handshakeKeyUpdate:
			if len(rest) > 0 {
				// RFC 8446 §5.1: "Handshake messages MUST NOT span key changes": a KeyUpdate ends its record.
				return l.fail(alertUnexpectedMessage, "data after a KeyUpdate in the same record")
			}
			if err := l.onKeyUpdate(body); err != nil {
				return err
			}
		default:
			return l.fail(alertUnexpectedMessage, fmt.Sprintf("handshake message %d after the handshake", typ))
		}
		l.handshake = append(l.handshake[:0], rest...)
	}
	return nil
}

// onKeyUpdate is RFC 8446 §4.6.3: the server's next records use its next traffic secret; with
// update_requested we send our own KeyUpdate(update_not_requested) before our next application
// data, at once when no Write holds the write side.
func (l *recordLayer) onKeyUpdate(body []byte) error {
	if len(body) != 1 || body[0] > 1 {
		return l.fail(alertIllegalParameter, "a KeyUpdate whose request_update is not update_not_requested or update_requested")
	}
	l.secretMu.Lock()
	next := nextTrafficSecret(l.hash, l.serverSecret)
	zero(l.serverSecret)
	l.serverSecret = next
	reader, err := l.tls13Cipher(l.serverSecret, 0)
	l.secretMu.Unlock()
	if err != nil {
		return l.fail(alertInternalError, err.Error())
	}
	l.reader = reader
	if body[0] == 1 {
		l.keyUpdateOwed.Store(true)
		if l.writeMu.TryLock() {
			err := l.sendOwedKeyUpdateLocked()
			l.writeMu.Unlock()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// write seals b into records of at most 2^14 bytes and writes them to the socket.
func (l *recordLayer) write(b []byte) (int, error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	switch {
	case l.writeErr != nil:
		return 0, l.writeErr
	case l.closeNotifySent:
		return 0, errShutdown
	}
	written := 0
	batch := make([]byte, 0, recordsPerWrite*(recordHeaderLength+maxPlaintext+explicitNonceLength+1+gcmTagLength))
	for written < len(b) {
		if err := l.sendOwedKeyUpdateLocked(); err != nil {
			return written, err
		}
		batch = batch[:0]
		end := written
		for i := 0; i < recordsPerWrite && end < len(b); i++ {
			chunk := b[end:]
			if len(chunk) > maxPlaintext {
				chunk = chunk[:maxPlaintext]
			}
			var err error
			if batch, err = l.writer.seal(batch, recordApplicationData, chunk); err != nil {
				return written, l.breakWrite(fmt.Errorf("tlsbroker: write with %s: %w", l.serverName, err))
			}
			end += len(chunk)
			if l.tls13 && l.writer.seq >= keyUpdateAfterRecords {
				l.keyUpdateOwed.Store(true)
				break
			}
		}
		if _, err := l.conn.Write(batch); err != nil {
			return written, l.breakWrite(fmt.Errorf("tlsbroker: writing to the server: %w", err))
		}
		written = end
	}
	return written, nil
}

// closeNotify sends close_notify once; reads may go on until the server's.
func (l *recordLayer) closeNotify() error {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	return l.closeNotifyLocked()
}

func (l *recordLayer) closeNotifyLocked() error {
	if l.closeNotifySent {
		return nil
	}
	if l.writeErr != nil {
		return l.writeErr
	}
	l.closeNotifySent = true
	record, err := l.writer.seal(nil, recordAlert, []byte{1, alertCloseNotify})
	if err == nil {
		_, err = l.conn.Write(record)
	}
	if err != nil {
		return l.breakWrite(fmt.Errorf("tlsbroker: close with %s: sending close_notify: %w", l.serverName, err))
	}
	return nil
}

// sendOwedKeyUpdateLocked sends KeyUpdate(update_not_requested) under the current keys, then
// moves the write side to the next secret (RFC 8446 §4.6.3, §7.2).
func (l *recordLayer) sendOwedKeyUpdateLocked() error {
	if !l.keyUpdateOwed.Load() || l.closeNotifySent || l.writeErr != nil {
		return l.writeErr
	}
	record, err := l.writer.seal(nil, recordHandshake, []byte{handshakeKeyUpdate, 0, 0, 1, 0})
	if err == nil {
		_, err = l.conn.Write(record)
	}
	if err != nil {
		return l.breakWrite(fmt.Errorf("tlsbroker: write with %s: sending KeyUpdate: %w", l.serverName, err))
	}
	next := nextTrafficSecret(l.hash, l.clientSecret)
	zero(l.clientSecret)
	l.clientSecret = next
	writer, err := l.tls13Cipher(l.clientSecret, 0)
	if err != nil {
		return l.breakWrite(fmt.Errorf("tlsbroker: write with %s: %w", l.serverName, err))
	}
	l.writer = writer
	l.keyUpdateOwed.Store(false)
	return nil
}

// breakWrite keeps err as the write side's end: as crypto/tls, after a failed or timed-out
// write the record stream is corrupt.
func (l *recordLayer) breakWrite(err error) error {
	if l.writeErr == nil {
		l.writeErr = err
	}
	return l.writeErr
}

// fail sends the fatal alert a broken record calls for (a courtesy: the socket may be gone, or
// a Write may hold the write side) and ends the session with it, as the broker reports a fatal
// alert it sent.
func (l *recordLayer) fail(description uint8, reason string) error {
	if l.writeMu.TryLock() {
		if !l.closeNotifySent && l.writeErr == nil {
			l.closeNotifySent = true
			if record, err := l.writer.seal(nil, recordAlert, []byte{2, description}); err == nil {
				_, _ = l.conn.Write(record)
			}
		}
		l.writeMu.Unlock()
	}
	err := &AlertError{
		Op:         "read",
		Alert:      Alert{Description: description, Name: alertName(description), Fatal: true, Sent: true},
		SSLError:   sslErrorSSL,
		Reason:     reason,
		ServerName: l.serverName,
	}
	l.readErr = l.setFatal(err)
	return l.readErr
}

// wipe zeroes both traffic secrets once the Conn is closed. (The AES key schedules inside
// crypto/cipher cannot be reached; they go with the Conn.)
func (l *recordLayer) wipe() {
	l.writeMu.Lock()
	zero(l.clientSecret)
	l.writeErr = net.ErrClosed
	l.writeMu.Unlock()
	l.secretMu.Lock()
	zero(l.serverSecret)
	l.secretMu.Unlock()
}
