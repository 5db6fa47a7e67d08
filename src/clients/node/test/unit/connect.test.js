'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { connect } = require('../../lib');
const { normalizeAlpn, payloadLimit } = require('../../lib/tls-socket');
const { packageDefinition } = require('../../lib/proto');

const method = packageDefinition['tlsbroker.v1.BrokerService'].Connect;

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

test('payloadLimit_BrokerLimits_LeaveRoomForFramingAndStayBelowTheLimit', () => {
  for (const limit of [1024, 2048, 4096, 65536, 262144, 1048576, 64 * 1024 * 1024]) {
    const payload = payloadLimit(limit);
    assert.ok(payload > 0 && payload <= limit - 16, `${limit}: ${payload}`);
    // A Received carrying a full payload, as encoded on the wire, fits the limit.
    const encoded = method.requestSerialize({ received: { data: Buffer.alloc(payload), eof: true } });
    assert.ok(encoded.length <= limit, `${limit}: a ${payload}-byte payload encodes to ${encoded.length} bytes`);
  }
  assert.equal(payloadLimit(64 * 1024 * 1024), 256 * 1024);
});
