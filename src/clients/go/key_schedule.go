package tlsbroker

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
)

// tls13IVLength is the per-record nonce's length for every TLS 1.3 AEAD suite (RFC 8446 §5.3).
const tls13IVLength = 12

// tls13Hash is the hash a TLS 1.3 suite's HKDF uses, from the broker's name for it.
func tls13Hash(name string) (func() hash.Hash, error) {
	switch name {
	case "SHA256":
		return sha256.New, nil
	case "SHA384":
		return sha512.New384, nil
	}
	return nil, fmt.Errorf("TLS 1.3 hash %q is not SHA256 or SHA384", name)
}

// hkdfExpandLabel is RFC 8446 §7.1's HKDF-Expand-Label(Secret, Label, "", Length): HKDF-Expand
// (RFC 5869 §2.3) with HkdfLabel = length (uint16), "tls13 " + label (opaque8), an empty context.
func hkdfExpandLabel(h func() hash.Hash, secret []byte, label string, length int) []byte {
	full := "tls13 " + label
	info := make([]byte, 0, 4+len(full))
	info = append(info, byte(length>>8), byte(length), byte(len(full)))
	info = append(info, full...)
	info = append(info, 0)

	mac := hmac.New(h, secret)
	out := make([]byte, 0, length+mac.Size())
	var previous []byte
	for counter := byte(1); len(out) < length; counter++ {
		mac.Reset()
		mac.Write(previous)
		mac.Write(info)
		mac.Write([]byte{counter})
		previous = mac.Sum(nil)
		out = append(out, previous...)
	}
	return out[:length]
}

// nextTrafficSecret is RFC 8446 §7.2: application_traffic_secret_N+1 =
// HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length).
func nextTrafficSecret(h func() hash.Hash, secret []byte) []byte {
	return hkdfExpandLabel(h, secret, "traffic upd", len(secret))
}

// zero overwrites a secret that is no longer needed.
func zero(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
