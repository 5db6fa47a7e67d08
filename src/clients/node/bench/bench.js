#!/usr/bin/env node
'use strict';
// 64 MiB download (nginx bigPath) and upload (to sink) through the broker, next to Node's own
// tls module to the same servers (trusting caFile), under the conformance host:
//   dotnet tests/TlsBroker.Conformance/bin/Debug/net10.0/TlsBroker.Conformance.dll -- node bench/bench.js [--runs 3]
// Prints MB/s (10^6 bytes per second, from the request to the last byte) per run, the median and
// the spread, and the broker/native ratio of the medians. Every transfer is checked (SHA-256).
const crypto = require('node:crypto');
const fs = require('node:fs');
const tls = require('node:tls');
const tlsbroker = require('../lib');
const { connected, readToEnd, parseHttpResponse, withTimeout } = require('../test/support/helpers');

const TRANSFER_TIMEOUT_MS = 300_000;
const UPLOAD_BYTES = 64 * 1024 * 1024;

const envPath = process.env.TLSBROKER_CONFORMANCE;
if (!envPath) {
  console.error('bench: TLSBROKER_CONFORMANCE is not set; run me under the conformance host');
  process.exit(2);
}
const env = JSON.parse(fs.readFileSync(envPath, 'utf8'));
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const ca = fs.readFileSync(env.caFile);

function viaBroker(peer) {
  return connected(tlsbroker.connect({
    host: peer.host, port: peer.port, servername: peer.serverName, ALPNProtocols: ['http/1.1'], broker: env.broker.target,
  }));
}

function native(peer) {
  return connected(tls.connect({ host: peer.host, port: peer.port, servername: peer.serverName, ALPNProtocols: ['http/1.1'], ca }));
}

async function download(open) {
  const peer = env.peers.nginx;
  const socket = await open(peer);
  const started = process.hrtime.bigint();
  socket.write(`GET ${peer.bigPath} HTTP/1.1\r\nHost: ${peer.serverName}\r\nConnection: close\r\n\r\n`);
  const response = parseHttpResponse(await readToEnd(socket, TRANSFER_TIMEOUT_MS));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (response.status !== 200 || response.body.length !== peer.bigSize) {
    throw new Error(`download: status ${response.status}, ${response.body.length} of ${peer.bigSize} bytes`);
  }
  const sha = crypto.createHash('sha256').update(response.body).digest('hex');
  if (sha !== peer.bigSha256) {
    throw new Error('download: SHA-256 mismatch');
  }
  return peer.bigSize / seconds / 1e6;
}

async function upload(open, data, sha) {
  const peer = env.peers.sink;
  const socket = await open(peer);
  const answer = readToEnd(socket, TRANSFER_TIMEOUT_MS);
  const started = process.hrtime.bigint();
  await withTimeout(new Promise((resolve, reject) => {
    socket.once('error', reject);
    let offset = 0;
    const writeMore = () => {
      while (offset < data.length) {
        const more = socket.write(data.subarray(offset, offset + 256 * 1024));
        offset += 256 * 1024;
        if (!more) {
          socket.once('drain', writeMore);
          return;
        }
      }
      socket.end(resolve);
    };
    writeMore();
  }), TRANSFER_TIMEOUT_MS, 'the upload');
  const reply = (await answer).toString().trim();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (reply !== `${data.length} ${sha}`) {
    throw new Error(`upload: the sink answered ${JSON.stringify(reply)}`);
  }
  return data.length / seconds / 1e6;
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], values };
}

async function main() {
  const data = crypto.randomBytes(UPLOAD_BYTES);
  const sha = crypto.createHash('sha256').update(data).digest('hex');
  const rows = [
    ['download', 'native', () => download(native)],
    ['download', 'broker', () => download(viaBroker)],
    ['upload', 'native', () => upload(native, data, sha)],
    ['upload', 'broker', () => upload(viaBroker, data, sha)],
  ];
  // One unmeasured round warms up the JIT, the gRPC channel and the broker.
  for (const [, , run] of rows) {
    await run();
  }
  const results = {};
  for (let i = 0; i < runs; i++) {
    // Interleaved, so that a slow moment of the shared machine does not hit one path only.
    for (const [direction, path, run] of rows) {
      const key = `${direction} ${path}`;
      (results[key] ||= []).push(await run());
    }
  }
  console.log(`node ${process.version}, ${runs} runs of 64 MiB each, MB/s (10^6 bytes/s)`);
  console.log('direction  path     median   min–max          runs');
  const medians = {};
  for (const [key, values] of Object.entries(results)) {
    const s = summary(values);
    medians[key] = s.median;
    const [direction, path] = key.split(' ');
    console.log(`${direction.padEnd(10)} ${path.padEnd(8)} ${s.median.toFixed(1).padStart(6)}   ${s.min.toFixed(1)}–${s.max.toFixed(1)}`.padEnd(45)
      + values.map((v) => v.toFixed(1)).join(' '));
  }
  for (const direction of ['download', 'upload']) {
    const ratio = medians[`${direction} broker`] / medians[`${direction} native`];
    console.log(`${direction}: broker/native = ${ratio.toFixed(2)}`);
  }
}

main().catch((err) => {
  console.error(`bench: ${err.code ? `${err.code}: ` : ''}${err.message}`);
  process.exitCode = 1;
});
