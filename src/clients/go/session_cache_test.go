package tlsbroker

import (
	"bytes"
	"testing"
)

func TestLRUClientSessionCache_OverCapacity_DropsLeastRecentlyUsed(t *testing.T) {
	c := NewLRUClientSessionCache(2)
	c.Put("a", []byte{1})
	c.Put("b", []byte{2})
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a missing")
	}
	c.Put("c", []byte{3})
	if _, ok := c.Get("b"); ok {
		t.Error("b should have been dropped: a was used more recently")
	}
	if tok, ok := c.Get("a"); !ok || !bytes.Equal(tok, []byte{1}) {
		t.Errorf("a = %v %v", tok, ok)
	}
}

func TestLRUClientSessionCache_PutNil_RemovesEntry(t *testing.T) {
	c := NewLRUClientSessionCache(0)
	c.Put("a", []byte{1})
	c.Put("a", []byte{2})
	if tok, _ := c.Get("a"); !bytes.Equal(tok, []byte{2}) {
		t.Errorf("latest token not kept: %v", tok)
	}
	c.Put("a", nil)
	if _, ok := c.Get("a"); ok {
		t.Error("nil Put should remove the entry")
	}
}

func TestSessionCacheKey_DiffersByBrokerPolicyAndServerName(t *testing.T) {
	base := Config{BrokerTarget: "b:1", Policy: "", ServerName: "example.com"}
	keys := map[string]bool{}
	for _, c := range []Config{base, {BrokerTarget: "b:2", ServerName: "example.com"},
		{BrokerTarget: "b:1", Policy: "strict", ServerName: "example.com"}, {BrokerTarget: "b:1", ServerName: "example.org"}} {
		c := c
		keys[sessionCacheKey(&c)] = true
	}
	if len(keys) != 4 {
		t.Errorf("got %d distinct keys, want 4", len(keys))
	}
	explicit := base
	explicit.Policy = "default"
	if sessionCacheKey(&base) != sessionCacheKey(&explicit) {
		t.Error("an empty policy selects \"default\" and must share its key")
	}
}
