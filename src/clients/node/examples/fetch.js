#!/usr/bin/env node
'use strict';
// Fetches an https:// URL with Node's own https module, the TLS running in a TlsBroker.
//   node examples/fetch.js https://example.com/ [--broker 127.0.0.1:5001] [--policy default] [--raw]
// --raw does the same with connect() and a hand-written HTTP/1.1 request, printing what the
// handshake negotiated.
const https = require('node:https');
const tlsbroker = require('..');

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

const url = new URL(process.argv[2] || 'https://example.com/');
const broker = option('--broker', process.env.TLSBROKER_TARGET || '127.0.0.1:5001');
const policy = option('--policy', '');

function describe(socket) {
  const cipher = socket.getCipher();
  const certificate = socket.getPeerCertificate();
  return `${socket.getProtocol()} ${cipher.standardName} alpn=${socket.alpnProtocol || 'none'} `
    + `resumed=${socket.isSessionReused()} subject=${certificate.subject && certificate.subject.CN} session=${socket.sessionId || '-'}`;
}

function fail(err) {
  // err.code is what to switch on: ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_*, ECONNRESET,
  // ETIMEDOUT, ERR_TLSBROKER_UNAVAILABLE, ERR_TLSBROKER_PERMISSION_DENIED, ...
  console.error(`fetch failed: ${err.code}: ${err.message}`);
  process.exitCode = 1;
}

function withAgent() {
  const agent = new tlsbroker.BrokerAgent({ broker, policy });
  const request = https.get(url, { agent }, (response) => {
    console.error(`HTTP ${response.statusCode} over ${describe(response.socket)}`);
    response.pipe(process.stdout);
    response.on('end', () => agent.destroy());
  });
  request.on('error', fail);
}

function withConnect() {
  const socket = tlsbroker.connect({
    host: url.hostname,
    port: Number(url.port) || 443,
    servername: url.hostname,
    ALPNProtocols: ['http/1.1'],
    broker,
    policy,
  }, () => {
    console.error(describe(socket));
    socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  });
  socket.pipe(process.stdout);
  socket.on('error', fail);
  socket.on('end', () => console.error('\n(the server closed the session with close_notify)'));
}

if (process.argv.includes('--raw')) {
  withConnect();
} else {
  withAgent();
}
