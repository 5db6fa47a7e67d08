package tlsbroker

import "testing"

func TestRecordFramerConsume_SplitsAnywhere_MissingIsTheRestOfTheRecord(t *testing.T) {
	// Two records: 3 body bytes, then 2.
	stream := []byte{22, 3, 3, 0, 3, 'a', 'b', 'c', 23, 3, 3, 0, 2, 'd', 'e'}
	// After each prefix length, the bytes missing to the next boundary.
	want := []int{0, 4, 3, 2, 1, 3, 2, 1, 0, 4, 3, 2, 1, 2, 1, 0}
	for cut := 0; cut <= len(stream); cut++ {
		for first := 0; first <= cut; first++ {
			var f recordFramer
			f.consume(stream[:first])
			f.consume(stream[first:cut])
			if got := f.missing(); got != want[cut] {
				t.Errorf("after %d bytes (in reads of %d and %d): missing %d, expected %d", cut, first, cut-first, got, want[cut])
			}
		}
	}
}
