package tlsbroker

// recordFramer follows the record framing of the bytes the server sent, whose 5-byte headers
// are in clear at every version (RFC 8446 §5.1, RFC 5246 §6.2.1), so that the client knows
// whether what it gave the broker ends on a record boundary: the broker exports keys only then
// (broker.proto, ExportKeys), and a server that speaks first (0.5-RTT data at TLS 1.3, data right
// after its Finished at TLS 1.2) may leave the handshake's last read inside a record.
type recordFramer struct {
	header [recordHeaderLength]byte
	have   int // bytes of the current header seen
	body   int // bytes of the current record's body still to come
}

func (f *recordFramer) consume(b []byte) {
	for len(b) > 0 {
		if f.body > 0 {
			n := f.body
			if n > len(b) {
				n = len(b)
			}
			f.body -= n
			b = b[n:]
			continue
		}
		n := copy(f.header[f.have:], b)
		f.have += n
		b = b[n:]
		if f.have == recordHeaderLength {
			f.body = int(f.header[3])<<8 | int(f.header[4])
			f.have = 0
		}
	}
}

// missing is how many bytes the next read may take without going past the next record
// boundary; zero when at one.
func (f *recordFramer) missing() int {
	if f.have > 0 {
		return recordHeaderLength - f.have
	}
	return f.body
}
