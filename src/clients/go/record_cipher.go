package tlsbroker

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

const (
	recordHeaderLength = 5
	// maxPlaintext is RFC 8446 §5.1 and RFC 5246 §6.2.1: a record's plaintext is at most 2^14 bytes.
	maxPlaintext = 1 << 14
	// maxCiphertext13 is RFC 8446 §5.2: "The length MUST NOT exceed 2^14 + 256 bytes. An endpoint
	// that receives a record that exceeds this length MUST terminate the connection with a
	// record_overflow alert."
	maxCiphertext13 = maxPlaintext + 256
	// maxCiphertext12 is RFC 5246 §6.2.3: "The length MUST NOT exceed 2^14 + 2048."
	maxCiphertext12 = maxPlaintext + 2048
	gcmTagLength    = 16
	// explicitNonceLength is RFC 5288 §3: the 8-byte nonce_explicit sent before each TLS 1.2 record.
	explicitNonceLength = 8
)

const (
	recordAlert           = 21
	recordHandshake       = 22
	recordApplicationData = 23
)

// errSequenceExhausted is RFC 8446 §5.3 and RFC 5246 §6.1: a sequence number must not wrap.
var errSequenceExhausted = errors.New("the record sequence number would wrap")

// recordCipher seals and opens the records of one direction under one key: AES-GCM, TLS 1.3
// (RFC 8446 §5.2–5.4) or TLS 1.2 (RFC 5246 §6.2.3.3, RFC 5288).
type recordCipher struct {
	aead  cipher.AEAD
	iv    []byte // 12 bytes at TLS 1.3; the 4-byte implicit salt at TLS 1.2
	tls13 bool
	seq   uint64 // the next record's sequence number
}

func newRecordCipher(tls13 bool, key, iv []byte, seq uint64) (*recordCipher, error) {
	if len(key) != 16 && len(key) != 32 {
		return nil, fmt.Errorf("an AES-GCM key of %d bytes", len(key))
	}
	if want := map[bool]int{true: tls13IVLength, false: 4}[tls13]; len(iv) != want {
		return nil, fmt.Errorf("an IV of %d bytes, expected %d", len(iv), want)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &recordCipher{aead: aead, iv: append([]byte(nil), iv...), tls13: tls13, seq: seq}, nil
}

// nonce is RFC 8446 §5.3 (the sequence number, big-endian and left-padded, XORed with the IV) or
// RFC 5288 §3 (salt || nonce_explicit, where this layer's nonce_explicit is the sequence number).
func (c *recordCipher) nonce(explicit []byte) []byte {
	n := make([]byte, 12)
	if !c.tls13 {
		copy(n, c.iv)
		copy(n[4:], explicit)
		return n
	}
	copy(n, c.iv)
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], c.seq)
	for i := range seq {
		n[4+i] ^= seq[i]
	}
	return n
}

// tls12AAD is RFC 5246 §6.2.3.3: seq_num + type + version + length (of the plaintext).
func (c *recordCipher) tls12AAD(typ byte, length int) []byte {
	aad := make([]byte, 13)
	binary.BigEndian.PutUint64(aad, c.seq)
	aad[8], aad[9], aad[10] = typ, 3, 3
	binary.BigEndian.PutUint16(aad[11:], uint16(length))
	return aad
}

// seal appends to dst the record carrying plaintext (at most maxPlaintext bytes) of type typ.
func (c *recordCipher) seal(dst []byte, typ byte, plaintext []byte) ([]byte, error) {
	if c.seq == math.MaxUint64 {
		return dst, errSequenceExhausted
	}
	start := len(dst)
	if c.tls13 {
		// RFC 8446 §5.2: the outer type is application_data, legacy_record_version 0x0303, and
		// the true type follows the content inside the encryption.
		length := len(plaintext) + 1 + gcmTagLength
		dst = append(dst, recordApplicationData, 3, 3, byte(length>>8), byte(length))
		header := dst[start:]
		inner := append(append(make([]byte, 0, len(plaintext)+1+gcmTagLength), plaintext...), typ)
		dst = c.aead.Seal(dst, c.nonce(nil), inner, header[:recordHeaderLength])
	} else {
		length := explicitNonceLength + len(plaintext) + gcmTagLength
		dst = append(dst, typ, 3, 3, byte(length>>8), byte(length))
		var explicit [explicitNonceLength]byte
		binary.BigEndian.PutUint64(explicit[:], c.seq)
		dst = append(dst, explicit[:]...)
		dst = c.aead.Seal(dst, c.nonce(explicit[:]), plaintext, c.tls12AAD(typ, len(plaintext)))
	}
	c.seq++
	return dst, nil
}

// open decrypts the record header||fragment in place and returns its true type and plaintext.
// The error is the alert the failure calls for.
func (c *recordCipher) open(header, fragment []byte) (byte, []byte, *localAlert) {
	if c.seq == math.MaxUint64 {
		return 0, nil, &localAlert{description: alertInternalError, reason: errSequenceExhausted.Error()}
	}
	var plaintext []byte
	var err error
	if c.tls13 {
		plaintext, err = c.aead.Open(fragment[:0], c.nonce(nil), fragment, header)
	} else {
		if len(fragment) < explicitNonceLength+gcmTagLength {
			return 0, nil, badRecordMAC()
		}
		explicit, sealed := fragment[:explicitNonceLength], fragment[explicitNonceLength:]
		aad := c.tls12AAD(header[0], len(sealed)-gcmTagLength)
		plaintext, err = c.aead.Open(sealed[:0], c.nonce(explicit), sealed, aad)
	}
	if err != nil {
		// RFC 8446 §5.2, RFC 5246 §7.2.2: a record that fails deprotection is bad_record_mac.
		return 0, nil, badRecordMAC()
	}
	c.seq++
	if !c.tls13 {
		if len(plaintext) > maxPlaintext {
			return 0, nil, &localAlert{description: alertRecordOverflow, reason: "a record's plaintext is longer than 2^14 bytes (RFC 5246 §6.2.1)"}
		}
		return header[0], plaintext, nil
	}
	// RFC 8446 §5.4: the content type is the last non-zero byte; the zeros after it are padding.
	end := len(plaintext) - 1
	for end >= 0 && plaintext[end] == 0 {
		end--
	}
	if end < 0 {
		return 0, nil, &localAlert{description: alertUnexpectedMessage, reason: "a TLS 1.3 record with no content type (RFC 8446 §5.4)"}
	}
	if end > maxPlaintext {
		return 0, nil, &localAlert{description: alertRecordOverflow, reason: "a record's plaintext is longer than 2^14 bytes (RFC 8446 §5.4)"}
	}
	return plaintext[end], plaintext[:end], nil
}

func badRecordMAC() *localAlert {
	return &localAlert{description: alertBadRecordMAC, reason: "decryption failed or bad record mac"}
}
