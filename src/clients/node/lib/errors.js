'use strict';
// Errors in Node's style: an Error with a string `code` that callers switch on, plus the
// broker's details as properties (never a resumption token or an API key).
const grpc = require('@grpc/grpc-js');
const { SslError, SSL_ERROR_NAMES, ALERT_LEVEL_NAMES } = require('./proto');

class TlsBrokerError extends Error {
  constructor(message, code, details = {}) {
    super(message);
    this.name = 'TlsBrokerError';
    this.code = code;
    Object.assign(this, details);
  }
}

// OpenSSL names the reason for a received alert SSL_R_SSLV3_ALERT_* for the alerts SSL 3.0
// already had, SSL_R_TLSV13_ALERT_* for TLS 1.3's own, SSL_R_TLSV1_ALERT_* for the rest
// (ssl/ssl_err.c); Node turns the reason into ERR_SSL_<REASON>.
const SSLV3_ALERTS = new Set([
  'close_notify', 'unexpected_message', 'bad_record_mac', 'decompression_failure',
  'handshake_failure', 'no_certificate', 'bad_certificate', 'unsupported_certificate',
  'certificate_revoked', 'certificate_expired', 'certificate_unknown', 'illegal_parameter',
]);
const TLSV13_ALERTS = new Set(['missing_extension', 'certificate_required']);

function receivedAlertCode(name) {
  const prefix = SSLV3_ALERTS.has(name) ? 'SSLV3' : TLSV13_ALERTS.has(name) ? 'TLSV13' : 'TLSV1';
  return `ERR_SSL_${prefix}_ALERT_${name.toUpperCase()}`;
}

/**
 * The code Node's tls module would give for this verify failure: the X509_V_ERR_* name without
 * its prefix (as Node reports OpenSSL's verify result, e.g. CERT_HAS_EXPIRED), except a name
 * mismatch, which Node finds itself and calls ERR_TLS_CERT_ALTNAME_INVALID.
 */
function verifyErrorCode(verify) {
  if (!verify || verify.code === 0) {
    return null;
  }
  if (verify.name === 'X509_V_ERR_HOSTNAME_MISMATCH' || verify.name === 'X509_V_ERR_IP_ADDRESS_MISMATCH') {
    return 'ERR_TLS_CERT_ALTNAME_INVALID';
  }
  return verify.name ? verify.name.replace(/^X509_V_ERR_/, '') : `X509_V_ERR_${verify.code}`;
}

function reasonCode(reason) {
  const words = reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return words ? `ERR_SSL_${words}` : 'ERR_SSL_SSL_ERROR';
}

function describeAlert(alert) {
  return `${alert.name || 'alert'}(${alert.description}) ${alert.sent ? 'sent' : 'received'}`;
}

/** A TLS failure the broker reported in a response (ret -1, SSL_ERROR_SSL or SSL_ERROR_SYSCALL). */
function tlsFailure(response, context) {
  const sslError = SSL_ERROR_NAMES[response.error] || `SSL_ERROR_${response.error}`;
  const alert = response.alert
    ? {
        description: response.alert.description,
        name: response.alert.name,
        level: ALERT_LEVEL_NAMES[response.alert.level] || String(response.alert.level),
        sent: response.alert.sent,
      }
    : null;
  const verify = response.verify && response.verify.code !== 0 ? response.verify : null;
  const details = {
    sslError,
    ret: response.ret,
    reason: response.reason || null,
    alert,
    verifyCode: verify ? verify.code : 0,
    verifyName: verify ? verify.name : null,
    verifyDepth: verify ? verify.depth : null,
  };

  if (response.error === SslError.SYSCALL) {
    // OpenSSL 3 calls this "unexpected eof while reading" (SSL_R_UNEXPECTED_EOF_WHILE_READING):
    // the server closed TCP without close_notify, so the data may be truncated (RFC 8446 §6.1).
    return new TlsBrokerError(
      `${context}: ${response.reason || 'unexpected eof while reading'} (the server closed the connection without close_notify; the data may be truncated)`,
      'ECONNRESET',
      details,
    );
  }

  const parts = [response.reason || 'TLS failure'];
  if (verify) {
    parts.push(`verify=${verify.code} ${verify.name} depth=${verify.depth}`);
  }
  if (alert) {
    parts.push(`alert=${describeAlert(alert)}`);
  }
  let code = verifyErrorCode(verify);
  if (code === null) {
    code = alert && !alert.sent && alert.name ? receivedAlertCode(alert.name) : reasonCode(response.reason || '');
  }
  return new TlsBrokerError(`${context}: ${parts.join(', ')} [${sslError}]`, code, details);
}

const GRPC_CODES = {
  [grpc.status.UNAVAILABLE]: ['ERR_TLSBROKER_UNAVAILABLE', 'the broker is unavailable'],
  [grpc.status.PERMISSION_DENIED]: ['ERR_TLSBROKER_PERMISSION_DENIED', 'the broker refused the policy or server name'],
  [grpc.status.UNAUTHENTICATED]: ['ERR_TLSBROKER_UNAUTHENTICATED', 'the broker did not accept the credentials (API key)'],
  [grpc.status.RESOURCE_EXHAUSTED]: ['ERR_TLSBROKER_RESOURCE_EXHAUSTED', 'the broker is at a limit'],
  [grpc.status.DEADLINE_EXCEEDED]: ['ETIMEDOUT', 'the broker timed the session out'],
  [grpc.status.INVALID_ARGUMENT]: ['ERR_TLSBROKER_INVALID_ARGUMENT', 'the broker rejected a request'],
};

/** A gRPC failure of the Connect call, in words a TLS user understands. */
function brokerFailure(grpcError, target) {
  const [code, summary] = GRPC_CODES[grpcError.code] || ['ERR_TLSBROKER_RPC', 'the call to the broker failed'];
  const statusName = Object.keys(grpc.status).find((name) => grpc.status[name] === grpcError.code) || String(grpcError.code);
  return new TlsBrokerError(`${summary} (${target}): ${grpcError.details || grpcError.message} [gRPC ${statusName}]`, code, {
    grpcCode: grpcError.code,
    grpcStatus: statusName,
    grpcDetails: grpcError.details || null,
  });
}

function timeoutError(message) {
  return new TlsBrokerError(message, 'ETIMEDOUT');
}

module.exports = { TlsBrokerError, tlsFailure, brokerFailure, timeoutError, verifyErrorCode };
