'use strict';
// The conformance cases of tests/conformance/README.md, one test per case id, against the
// environment the conformance host describes in $TLSBROKER_CONFORMANCE. Each case appends its
// outcome to $TLSBROKER_CONFORMANCE_RESULTS. Run by ../../run-conformance.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const tlsbroker = require('../../lib');
const { withTimeout, connected, readToEnd, failure, httpGet, parseHttpResponse } = require('../support/helpers');

const envPath = process.env.TLSBROKER_CONFORMANCE;
const resultsPath = process.env.TLSBROKER_CONFORMANCE_RESULTS;
if (!envPath) {
  throw new Error('TLSBROKER_CONFORMANCE is not set: run these tests through ./run-conformance under the conformance host');
}
const env = JSON.parse(fs.readFileSync(envPath, 'utf8'));
const { peers, policies } = env;
const broker = env.broker.target;

const CASE_TIMEOUT_MS = 60_000;

function record(caseId, outcome, detail) {
  if (!resultsPath) {
    return;
  }
  const line = { client: 'node', case: caseId, outcome };
  if (detail) {
    line.detail = detail;
  }
  fs.appendFileSync(resultsPath, `${JSON.stringify(line)}\n`);
}

/** One conformance case: a node:test test named by the case id whose outcome goes to the results file. */
function conformanceCase(caseId, body) {
  test(caseId, { timeout: CASE_TIMEOUT_MS }, async () => {
    try {
      await body();
    } catch (err) {
      record(caseId, 'fail', `${err.code ? `${err.code}: ` : ''}${err.message}`.slice(0, 2000));
      throw err;
    }
    record(caseId, 'pass');
  });
}

function options(peer, extra = {}) {
  return { host: peer.host, port: peer.port, servername: peer.serverName, broker, timeout: 30_000, ...extra };
}

conformanceCase('handshake_verified', async () => {
  const peer = peers.nginx;
  const socket = await connected(tlsbroker.connect(options(peer, { ALPNProtocols: peer.offerAlpn })));
  try {
    assert.equal(socket.authorized, true);
    assert.equal(socket.authorizationError, null);
    assert.equal(socket.getProtocol(), peer.expectVersion);
    assert.match(socket.getCipher().standardName, /^TLS_[A-Z0-9_]+$/);
    assert.equal(socket.getCipher().version, peer.expectVersion);
    assert.equal(socket.alpnProtocol, peer.expectAlpn);
    assert.equal(socket.isSessionReused(), false);
    const certificate = socket.getPeerCertificate(true);
    assert.ok(Buffer.isBuffer(certificate.raw) && certificate.raw.length > 0, 'the peer certificate has its DER');
    const x509 = new crypto.X509Certificate(certificate.raw);
    assert.equal(x509.checkHost(peer.serverName), peer.serverName, 'the certificate names the server');
    const ca = new crypto.X509Certificate(fs.readFileSync(env.caFile));
    let last = certificate;
    while (last.issuerCertificate && last.issuerCertificate !== last) {
      last = last.issuerCertificate;
    }
    assert.ok(new crypto.X509Certificate(last.raw).checkIssued(ca), 'the chain as sent ends at a certificate the CA issued');
  } finally {
    socket.destroy();
  }
});

conformanceCase('verify_failure', async () => {
  const peer = peers.wrongName;
  const socket = tlsbroker.connect(options(peer));
  const err = await failure(connected(socket));
  assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  assert.equal(err.verifyCode, peer.expectVerifyCode);
  assert.equal(err.verifyName, peer.expectVerifyName);
  assert.equal(err.verifyDepth, 0);
  assert.equal(err.sslError, 'SSL_ERROR_SSL');
  assert.match(err.message, /certificate verify failed/);
  assert.equal(socket.authorized, false);
  assert.equal(socket.authorizationError, 'ERR_TLS_CERT_ALTNAME_INVALID');
});

conformanceCase('server_alert', async () => {
  const peer = peers.tls12Only;
  const err = await failure(connected(tlsbroker.connect(options(peer, { policy: policies.tls13Only }))));
  assert.equal(err.sslError, 'SSL_ERROR_SSL');
  assert.ok(err.alert, `the error carries the alert: ${err.message}`);
  assert.equal(err.alert.description, peer.expectAlert);
  assert.equal(err.alert.name, peer.expectAlertName);
  assert.match(err.code, /^ERR_SSL_/);
  assert.match(err.message, new RegExp(peer.expectAlertName));
});

conformanceCase('unknown_policy', async () => {
  const peer = peers.nginx;
  const err = await failure(connected(tlsbroker.connect(options(peer, { policy: policies.unknown }))));
  assert.equal(err.code, 'ERR_TLSBROKER_PERMISSION_DENIED');
  assert.equal(err.grpcStatus, 'PERMISSION_DENIED');
  assert.match(err.message, /refused the policy/);
});

conformanceCase('close_notify', async () => {
  const peer = peers.nginx;
  const socket = await connected(tlsbroker.connect(options(peer, { ALPNProtocols: ['http/1.1'] })));
  socket.write(`GET ${peer.helloPath} HTTP/1.1\r\nHost: ${peer.serverName}\r\nConnection: close\r\n\r\n`);
  const response = parseHttpResponse(await readToEnd(socket));
  assert.equal(response.status, 200);
  assert.equal(response.body.toString(), peer.helloBody);
  assert.equal(socket.readableEnded, true, 'the server\'s close_notify is a clean end of the stream');
});

conformanceCase('no_close_notify', async () => {
  const peer = peers.closeWithoutNotify;
  const socket = await connected(tlsbroker.connect(options(peer)));
  const received = [];
  socket.on('data', (chunk) => received.push(chunk));
  const err = await failure(readToEnd(socket));
  assert.equal(Buffer.concat(received).toString(), peer.greeting);
  assert.equal(err.code, 'ECONNRESET');
  assert.equal(err.sslError, 'SSL_ERROR_SYSCALL');
  assert.match(err.message, /unexpected eof/);
  assert.equal(socket.readableEnded, false, 'a truncation is not a clean end of the stream');
});

conformanceCase('client_closes_first', async () => {
  const peer = peers.echo;
  const socket = await connected(tlsbroker.connect(options(peer)));
  const closed = withTimeout(new Promise((resolve, reject) => {
    socket.once('close', resolve);
    socket.once('error', reject);
  }), 15_000, 'close');
  const echoed = withTimeout(new Promise((resolve) => {
    const chunks = [];
    const onData = (chunk) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).toString().includes('\n')) {
        socket.removeListener('data', onData);
        socket.pause();
        resolve(Buffer.concat(chunks).toString());
      }
    };
    socket.on('data', onData);
  }), 10_000, 'the echo');
  socket.write('ping through the broker\n');
  assert.equal(await echoed, 'ping through the broker\n');
  await withTimeout(new Promise((resolve, reject) => {
    socket.end(resolve);
    socket.once('error', reject);
  }), 10_000, 'end()');
  socket.resume();
  await closed;
  const writeError = await withTimeout(new Promise((resolve) => socket.write('more', resolve)), 5_000, 'the late write');
  assert.ok(writeError instanceof Error, 'a write after close fails');
  assert.match(writeError.code, /^ERR_STREAM_(WRITE_AFTER_END|DESTROYED)$/);
  assert.equal(socket.read(), null, 'a read after close returns nothing');
  assert.equal(socket.readable, false);
});

conformanceCase('roundtrip_16m', async () => {
  const peer = peers.echo;
  const size = 16 * 1024 * 1024;
  const data = crypto.randomBytes(size);
  const expected = crypto.createHash('sha256').update(data).digest('hex');
  const socket = await connected(tlsbroker.connect(options(peer)));
  try {
    const digest = crypto.createHash('sha256');
    const echoed = withTimeout(new Promise((resolve, reject) => {
      let count = 0;
      socket.on('data', (chunk) => {
        digest.update(chunk);
        count += chunk.length;
        if (count >= size) {
          resolve(count);
        }
      });
      socket.once('error', reject);
      socket.once('end', () => reject(new Error(`the echo ended after ${count} of ${size} bytes`)));
    }), 50_000, 'the 16 MiB echo');
    let offset = 0;
    const writeMore = () => {
      while (offset < size) {
        const more = socket.write(data.subarray(offset, offset + 64 * 1024));
        offset += 64 * 1024;
        if (!more) {
          socket.once('drain', writeMore);
          return;
        }
      }
    };
    writeMore();
    assert.equal(await echoed, size);
    assert.equal(digest.digest('hex'), expected);
  } finally {
    socket.destroy();
  }
});

conformanceCase('deadline_silent_server', async () => {
  const peer = peers.silent;
  const started = Date.now();
  const socket = tlsbroker.connect(options(peer, { timeout: 1000 }));
  const err = await failure(connected(socket, 10_000));
  const elapsed = Date.now() - started;
  assert.equal(err.code, 'ETIMEDOUT');
  assert.match(err.message, /did not complete within 1000 ms/);
  assert.ok(elapsed >= 900 && elapsed < 5000, `the timeout came after ${elapsed} ms`);
  // The session is freed in the broker by cancelling its Connect stream.
  const status = await withTimeout(socket.brokerCallStatus(), 5000, 'the end of the Connect stream');
  assert.equal(status.code, 1, `the Connect stream was cancelled (status ${status.code} ${status.details})`);
});

conformanceCase('broker_stopped', async () => {
  const peer = peers.nginx;
  const socket = await connected(tlsbroker.connect(options(peer, { broker: env.doomedBroker.target, ALPNProtocols: ['http/1.1'] })));
  process.kill(env.doomedBroker.pid, 'SIGKILL');
  socket.write(`GET ${peer.helloPath} HTTP/1.1\r\nHost: ${peer.serverName}\r\nConnection: close\r\n\r\n`);
  const err = await failure(readToEnd(socket, 15_000));
  assert.equal(err.code, 'ERR_TLSBROKER_UNAVAILABLE');
  assert.match(err.message, /broker is unavailable/);
});

conformanceCase('broker_unreachable', async () => {
  const peer = peers.nginx;
  const err = await failure(connected(tlsbroker.connect(options(peer, { broker: env.unreachableBroker.target }))));
  assert.equal(err.code, 'ERR_TLSBROKER_UNAVAILABLE');
  assert.match(err.message, /broker is unavailable/);
});

conformanceCase('resumption', async () => {
  const peer = peers.nginx;
  const sessionCache = new tlsbroker.SessionCache();
  const resumed = [];
  for (let i = 0; i < 2; i++) {
    const socket = await connected(tlsbroker.connect(options(peer, { ALPNProtocols: ['http/1.1'], sessionCache })));
    resumed.push(socket.isSessionReused());
    socket.write(`GET ${peer.helloPath} HTTP/1.1\r\nHost: ${peer.serverName}\r\nConnection: close\r\n\r\n`);
    const response = parseHttpResponse(await readToEnd(socket));
    assert.equal(response.body.toString(), peer.helloBody);
    assert.equal(sessionCache.size, 1, 'the cache holds the token after the read');
  }
  assert.deepEqual(resumed, [false, true]);
});

conformanceCase('https_fetch', async () => {
  const peer = peers.nginx;
  const agent = new tlsbroker.BrokerAgent({ broker, timeout: 10_000 });
  try {
    const { status, body } = await httpGet(https, `https://${peer.serverName}:${peer.port}${peer.helloPath}`, { agent });
    assert.equal(status, 200);
    assert.equal(body, peer.helloBody);
  } finally {
    agent.destroy();
  }
});
