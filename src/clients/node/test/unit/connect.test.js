'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { connect } = require('../../lib');

test('connect_WithoutSocketOrPort_ThrowsTypeError', () => {
  assert.throws(() => connect({ host: 'example.com' }), TypeError);
});

test('connect_NonPositiveTimeout_ThrowsRangeError', () => {
  assert.throws(() => connect({ host: 'example.com', port: 443, timeout: 0 }), RangeError);
  assert.throws(() => connect({ host: 'example.com', port: 443, timeout: Number.NaN }), RangeError);
});
