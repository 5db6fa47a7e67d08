'use strict';
// Behaviour beyond the conformance cases, against the same environment ($TLSBROKER_CONFORMANCE):
// Node's http plumbing, the message limit, early writes, cancellation. Run by ../../run-conformance.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const net = require('node:net');
const tlsbroker = require('../../lib');
const { withTimeout, connected, readToEnd, failure, httpGet, parseHttpResponse } = require('../support/helpers');

const envPath = process.env.TLSBROKER_CONFORMANCE;
if (!envPath) {
  throw new Error('TLSBROKER_CONFORMANCE is not set: run these tests through ./run-conformance under the conformance host');
}
const env = JSON.parse(fs.readFileSync(envPath, 'utf8'));
const { peers } = env;
const broker = env.broker.target;
const TEST_TIMEOUT_MS = 60_000;

function options(peer, extra = {}) {
  return { host: peer.host, port: peer.port, servername: peer.serverName, broker, timeout: 30_000, ...extra };
}

function helloRequest(peer) {
  return `GET ${peer.helloPath} HTTP/1.1\r\nHost: ${peer.serverName}\r\nConnection: close\r\n\r\n`;
}

test('createConnection_HttpsRequest_FetchesThroughTheBroker', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.nginx;
  const { status, body } = await httpGet(https, `https://${peer.serverName}:${peer.port}${peer.helloPath}`, {
    createConnection: tlsbroker.createConnection({ broker, timeout: 10_000 }),
  });
  assert.equal(status, 200);
  assert.equal(body, peer.helloBody);
});

test('BrokerAgent_KeepAlive_SecondRequestReusesTheSession', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.nginx;
  const agent = new tlsbroker.BrokerAgent({ broker, keepAlive: true, maxSockets: 1 });
  try {
    const sockets = [];
    for (let i = 0; i < 2; i++) {
      await withTimeout(new Promise((resolve, reject) => {
        const request = https.get(`https://${peer.serverName}:${peer.port}${peer.helloPath}`, { agent }, (response) => {
          sockets.push(response.socket);
          response.resume();
          response.on('end', resolve);
        });
        request.on('error', reject);
      }), 20_000, `request ${i}`);
    }
    assert.ok(sockets[0] instanceof tlsbroker.BrokerTLSSocket);
    assert.equal(sockets[1], sockets[0], 'the kept-alive TLS session served the second request');
  } finally {
    agent.destroy();
  }
});

test('write_BeyondTheBrokersMessageLimit_IsSplitIntoRequestsItAccepts', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.sink;
  const data = crypto.randomBytes(4 * env.broker.maxMessageBytes);
  const socket = await connected(tlsbroker.connect(options(peer)));
  const answer = readToEnd(socket);
  socket.end(data);
  const expected = `${data.length} ${crypto.createHash('sha256').update(data).digest('hex')}`;
  assert.equal((await answer).toString().trim(), expected);
});

test('write_BeforeSecureConnect_IsSentAfterTheHandshake', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.nginx;
  const socket = tlsbroker.connect(options(peer, { ALPNProtocols: ['http/1.1'] }));
  socket.write(helloRequest(peer));
  const response = parseHttpResponse(await readToEnd(socket));
  assert.equal(response.status, 200);
  assert.equal(response.body.toString(), peer.helloBody);
});

test('connect_GivenAConnectingSocket_UsesIt', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.nginx;
  const tcp = net.connect({ host: peer.host, port: peer.port });
  const socket = await connected(tlsbroker.connect({ socket: tcp, servername: peer.serverName, broker, ALPNProtocols: ['http/1.1'] }));
  assert.equal(socket.remotePort, peer.port);
  socket.write(helloRequest(peer));
  assert.equal(parseHttpResponse(await readToEnd(socket)).body.toString(), peer.helloBody);
  assert.equal(tcp.destroyed || tcp.readableEnded, true);
});

test('destroy_DuringTheHandshake_CancelsTheBrokerCall', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.silent;
  const socket = tlsbroker.connect(options(peer));
  await withTimeout(new Promise((resolve) => socket.once('connect', resolve)), 10_000, 'the TCP connect');
  socket.destroy();
  const status = await withTimeout(socket.brokerCallStatus(), 5000, 'the end of the Connect stream');
  assert.equal(status.code, 1, `the Connect stream was cancelled (status ${status.code} ${status.details})`);
});

test('session_AfterTheServersTicket_IsEmittedAndResumes', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.nginx;
  const first = await connected(tlsbroker.connect(options(peer, { ALPNProtocols: ['http/1.1'] })));
  const tokens = [];
  first.on('session', (token) => tokens.push(token));
  first.write(helloRequest(peer));
  await readToEnd(first);
  assert.ok(tokens.length > 0, 'the TLS 1.3 ticket gave a token');
  assert.ok(first.getSession().equals(tokens.at(-1)));
  const second = await connected(tlsbroker.connect(options(peer, { ALPNProtocols: ['http/1.1'], session: first.getSession() })));
  assert.equal(second.isSessionReused(), true);
  second.destroy();
});

test('setTimeout_IdleSession_EmitsTimeout', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.echo;
  const socket = await connected(tlsbroker.connect(options(peer)));
  try {
    const started = Date.now();
    await withTimeout(new Promise((resolve) => socket.setTimeout(300, resolve)), 5000, "'timeout'");
    assert.ok(Date.now() - started >= 250);
  } finally {
    socket.destroy();
  }
});

test('connect_ServerNameOutsideTheCertificate_FailsTheHttpsRequest', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.wrongName;
  const agent = new tlsbroker.BrokerAgent({ broker });
  try {
    const err = await failure(httpGet(https, `https://${peer.host}:${peer.port}/`, { agent, servername: peer.serverName }));
    assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(err.verifyCode, peer.expectVerifyCode);
  } finally {
    agent.destroy();
  }
});

test('read_ApplicationNotReading_PausesTheSocketAndKeepsTheBufferBounded', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.nginx;
  const socket = await connected(tlsbroker.connect(options(peer, { ALPNProtocols: ['http/1.1'] })));
  socket.pause();
  socket.write(`GET ${peer.bigPath} HTTP/1.1\r\nHost: ${peer.serverName}\r\nConnection: close\r\n\r\n`);
  // Waits for the TCP socket to be paused because nobody reads the TLS socket.
  await withTimeout(new Promise((resolve) => {
    const check = setInterval(() => {
      if (socket._socket.isPaused() && socket.readableLength > 0) {
        clearInterval(check);
        resolve();
      }
    }, 20);
  }), 20_000, 'the socket paused by backpressure');
  const buffered = socket.readableLength;
  assert.ok(buffered < 4 * 1024 * 1024, `${buffered} bytes buffered while nobody reads, of ${peer.bigSize}`);
  const rest = readToEnd(socket, 120_000);
  socket.resume();
  const response = parseHttpResponse(await rest);
  assert.equal(response.body.length, peer.bigSize);
  assert.equal(crypto.createHash('sha256').update(response.body).digest('hex'), peer.bigSha256);
});

test('BrokerAgent_SecondConnection_ResumesTheSession', { timeout: TEST_TIMEOUT_MS }, async () => {
  const peer = peers.nginx;
  const agent = new tlsbroker.BrokerAgent({ broker, keepAlive: false });
  try {
    const resumed = [];
    for (let i = 0; i < 2; i++) {
      await withTimeout(new Promise((resolve, reject) => {
        const request = https.get(`https://${peer.serverName}:${peer.port}${peer.helloPath}`, { agent }, (response) => {
          resumed.push(response.socket.isSessionReused());
          response.resume();
          response.on('end', resolve);
        });
        request.on('error', reject);
      }), 20_000, `request ${i}`);
    }
    assert.deepEqual(resumed, [false, true]);
    assert.equal(agent.sessionCache.size, 1);
  } finally {
    agent.destroy();
  }
});

test('connect_MoreSessionsThanOneConnectionsStreams_OpensAnotherConnection', { timeout: 120_000 }, async () => {
  // The broker (Kestrel) allows 100 concurrent streams per HTTP/2 connection; the 101st session
  // would otherwise wait for one of the first hundred to end.
  const peer = peers.echo;
  const shared = new tlsbroker.Broker({ target: broker });
  const count = shared.maxCallsPerConnection + 5;
  const sockets = [];
  try {
    const opened = Array.from({ length: count }, () => {
      const socket = tlsbroker.connect(options(peer, { broker: shared, timeout: 60_000 }));
      sockets.push(socket);
      return connected(socket, 90_000);
    });
    await Promise.all(opened);
    assert.equal(sockets.filter((socket) => socket.authorized).length, count);
    assert.equal(shared._clients.length, 2);
  } finally {
    sockets.forEach((socket) => socket.destroy());
    shared.close();
  }
});
