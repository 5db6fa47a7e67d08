'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const { packageDefinition } = require('../../lib/proto');
const { tlsFailure, brokerFailure } = require('../../lib/errors');

const connect = packageDefinition['tlsbroker.v1.BrokerService'].Connect;

// Responses go through the wire format and back, so the tests see what the broker's bytes decode to.
function decoded(response) {
  return connect.responseDeserialize(connect.responseSerialize(response));
}

test('tlsFailure_HostnameMismatch_IsNodesAltnameCodeWithVerifyDetails', () => {
  const err = tlsFailure(decoded({
    ret: -1, error: 1, reason: 'certificate verify failed',
    alert: { description: 42, name: 'bad_certificate', level: 2, sent: true },
    verify: { code: 62, name: 'X509_V_ERR_HOSTNAME_MISMATCH', depth: 0 },
  }), 'handshake');
  assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  assert.equal(err.verifyCode, 62);
  assert.equal(err.verifyName, 'X509_V_ERR_HOSTNAME_MISMATCH');
  assert.equal(err.verifyDepth, 0);
  assert.deepEqual(err.alert, { description: 42, name: 'bad_certificate', level: 'fatal', sent: true });
  assert.equal(err.sslError, 'SSL_ERROR_SSL');
  assert.match(err.message, /^handshake: certificate verify failed, verify=62 X509_V_ERR_HOSTNAME_MISMATCH depth=0, alert=bad_certificate\(42\) sent/);
});

test('tlsFailure_OtherVerifyError_IsTheX509NameWithoutPrefix', () => {
  const err = tlsFailure(decoded({
    ret: -1, error: 1, reason: 'certificate verify failed',
    verify: { code: 10, name: 'X509_V_ERR_CERT_HAS_EXPIRED', depth: 1 },
  }), 'handshake');
  assert.equal(err.code, 'CERT_HAS_EXPIRED');
  assert.equal(err.verifyDepth, 1);
});

test('tlsFailure_ReceivedAlert_IsOpenSslsAlertReasonCode', () => {
  const cases = [
    ['protocol_version', 70, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'],
    ['handshake_failure', 40, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'],
    ['certificate_required', 116, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'],
  ];
  for (const [name, description, code] of cases) {
    const err = tlsFailure(decoded({
      ret: -1, error: 1, reason: `tlsv1 alert ${name}`, alert: { description, name, level: 2, sent: false },
    }), 'handshake');
    assert.equal(err.code, code, name);
    assert.equal(err.alert.sent, false);
    assert.equal(err.verifyCode, 0);
  }
});

test('tlsFailure_SentAlertWithoutVerifyError_IsTheReasonAsNodeSpellsIt', () => {
  const err = tlsFailure(decoded({
    ret: -1, error: 1, reason: 'unsupported protocol', alert: { description: 70, name: 'protocol_version', level: 2, sent: true },
  }), 'handshake');
  assert.equal(err.code, 'ERR_SSL_UNSUPPORTED_PROTOCOL');
});

test('tlsFailure_UnexpectedEof_IsEconnresetNotACleanEnd', () => {
  const err = tlsFailure(decoded({ ret: -1, error: 5, reason: 'unexpected eof while reading' }), 'read');
  assert.equal(err.code, 'ECONNRESET');
  assert.equal(err.sslError, 'SSL_ERROR_SYSCALL');
  assert.match(err.message, /unexpected eof while reading/);
  assert.match(err.message, /truncated/);
});

test('brokerFailure_EachStatus_HasItsOwnCodeAndPlainWords', () => {
  const expected = [
    [grpc.status.UNAVAILABLE, 'ERR_TLSBROKER_UNAVAILABLE', /broker is unavailable/],
    [grpc.status.PERMISSION_DENIED, 'ERR_TLSBROKER_PERMISSION_DENIED', /refused the policy/],
    [grpc.status.UNAUTHENTICATED, 'ERR_TLSBROKER_UNAUTHENTICATED', /API key/],
    [grpc.status.RESOURCE_EXHAUSTED, 'ERR_TLSBROKER_RESOURCE_EXHAUSTED', /at a limit/],
    [grpc.status.DEADLINE_EXCEEDED, 'ETIMEDOUT', /timed the session out/],
    [grpc.status.INVALID_ARGUMENT, 'ERR_TLSBROKER_INVALID_ARGUMENT', /rejected a request/],
    [grpc.status.INTERNAL, 'ERR_TLSBROKER_RPC', /call to the broker failed/],
  ];
  for (const [status, code, words] of expected) {
    const err = brokerFailure({ code: status, details: 'the details', message: 'raw' }, 'http://127.0.0.1:1');
    assert.equal(err.code, code);
    assert.equal(err.grpcCode, status);
    assert.match(err.message, words);
    assert.match(err.message, /the details/);
    assert.match(err.message, /http:\/\/127\.0\.0\.1:1/);
  }
});
