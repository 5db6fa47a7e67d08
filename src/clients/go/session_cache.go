package tlsbroker

import (
	"container/list"
	"sync"
)

// ClientSessionCache keeps resumption tokens, as crypto/tls.ClientSessionCache keeps session
// states. Keys name a broker, a policy and a server name; tokens are opaque secrets (whoever
// holds one can resume the session through the broker), so implementations must not log them.
// Implementations must be safe for concurrent use.
type ClientSessionCache interface {
	Get(sessionKey string) (token []byte, ok bool)
	// Put stores the latest token for the key; a nil token removes the entry.
	Put(sessionKey string, token []byte)
}

type lruSessionCache struct {
	mu       sync.Mutex
	capacity int
	order    *list.List // front is the most recently used key
	entries  map[string]*list.Element
}

type lruEntry struct {
	key   string
	token []byte
}

// NewLRUClientSessionCache returns a ClientSessionCache that keeps the latest token of up to
// capacity keys, dropping the least recently used; capacity < 1 means 64, as crypto/tls does.
func NewLRUClientSessionCache(capacity int) ClientSessionCache {
	if capacity < 1 {
		capacity = 64
	}
	return &lruSessionCache{capacity: capacity, order: list.New(), entries: map[string]*list.Element{}}
}

func (c *lruSessionCache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry).token, true
}

func (c *lruSessionCache) Put(key string, token []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		if token == nil {
			c.order.Remove(e)
			delete(c.entries, key)
			return
		}
		e.Value.(*lruEntry).token = token
		c.order.MoveToFront(e)
		return
	}
	if token == nil {
		return
	}
	if c.order.Len() >= c.capacity {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*lruEntry).key)
	}
	c.entries[key] = c.order.PushFront(&lruEntry{key: key, token: token})
}

// sessionCacheKey names the scope a broker seals a token for: the broker, the policy and the
// server name (broker.proto, Start.resumption_token).
func sessionCacheKey(c *Config) string {
	return c.brokerTarget() + "\x00" + c.policyName() + "\x00" + c.ServerName
}
