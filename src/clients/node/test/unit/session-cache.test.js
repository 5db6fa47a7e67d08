'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const { SessionCache } = require('../../lib/session-cache');
const { Broker } = require('../../lib/broker');

test('key_DifferentPolicyOrServerOrBroker_AreDifferentEntries', () => {
  const keys = new Set([
    SessionCache.key('http://a:1', 'p', 'example.com'),
    SessionCache.key('http://a:1', 'q', 'example.com'),
    SessionCache.key('http://a:1', 'p', 'example.org'),
    SessionCache.key('http://b:1', 'p', 'example.com'),
  ]);
  assert.equal(keys.size, 4);
  assert.equal(SessionCache.key('http://a:1', '', 'x'), SessionCache.key('http://a:1', 'default', 'x'));
});

test('set_BeyondMaxEntries_EvictsTheLeastRecentlyUsed', () => {
  const cache = new SessionCache({ maxEntries: 2 });
  cache.set('a', Buffer.from('1'));
  cache.set('b', Buffer.from('2'));
  cache.get('a');
  cache.set('c', Buffer.from('3'));
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a').toString(), '1');
  assert.equal(cache.get('c').toString(), '3');
});

test('set_SameKey_KeepsOnlyTheLatestToken', () => {
  const cache = new SessionCache();
  cache.set('a', Buffer.from('old'));
  cache.set('a', Buffer.from('new'));
  assert.equal(cache.size, 1);
  assert.equal(cache.get('a').toString(), 'new');
});

test('inspect_CacheAndBroker_ShowNoTokenNorApiKey', () => {
  const cache = new SessionCache();
  cache.set('a', Buffer.from('secret-token-bytes'));
  assert.doesNotMatch(util.inspect(cache, { depth: 5 }), /secret|736563726574/);
  assert.doesNotMatch(JSON.stringify(cache), /secret/);
  const broker = new Broker({ target: '127.0.0.1:1', apiKey: 'secret-api-key' });
  try {
    assert.doesNotMatch(util.inspect(broker, { depth: 0 }), /secret-api-key/);
    assert.doesNotMatch(String(broker), /secret-api-key/);
  } finally {
    broker.close();
  }
});

test('Broker_TargetUrl_ChoosesTransport', () => {
  const plain = new Broker({ target: 'http://127.0.0.1:5001' });
  const bare = new Broker({ target: '127.0.0.1:5001' });
  const secure = new Broker({ target: 'https://127.0.0.1:5443/' });
  try {
    assert.deepEqual([plain.target, plain.secure], ['127.0.0.1:5001', false]);
    assert.deepEqual([bare.target, bare.secure], ['127.0.0.1:5001', false]);
    assert.deepEqual([secure.target, secure.secure], ['127.0.0.1:5443', true]);
  } finally {
    [plain, bare, secure].forEach((b) => b.close());
  }
});
