'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { connect } = require('../../lib');
const { normalizeAlpn } = require('../../lib/tls-socket');

test('connect_WithoutSocketOrPort_ThrowsTypeError', () => {
  assert.throws(() => connect({ host: 'example.com' }), TypeError);
});

test('connect_NonPositiveTimeout_ThrowsRangeError', () => {
  assert.throws(() => connect({ host: 'example.com', port: 443, timeout: 0 }), RangeError);
  assert.throws(() => connect({ host: 'example.com', port: 443, timeout: Number.NaN }), RangeError);
});

test('normalizeAlpn_TheFormsTlsConnectTakes_GiveTheProtocolNames', () => {
  assert.deepEqual(normalizeAlpn(['h2', 'http/1.1']), ['h2', 'http/1.1']);
  assert.deepEqual(normalizeAlpn([Buffer.from('h2'), new Uint8Array(Buffer.from('http/1.1'))]), ['h2', 'http/1.1']);
  assert.deepEqual(normalizeAlpn(Buffer.from('\x02h2\x08http/1.1', 'latin1')), ['h2', 'http/1.1']);
  assert.deepEqual(normalizeAlpn(undefined), []);
});

test('normalizeAlpn_MalformedWireList_ThrowsTypeError', () => {
  assert.throws(() => normalizeAlpn(Buffer.from('\x05h2', 'latin1')), TypeError);
  assert.throws(() => normalizeAlpn('h2'), TypeError);
});
