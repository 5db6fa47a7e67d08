'use strict';
// Bounded waits on a BrokerTLSSocket, for the tests and the benchmark.

/** `promise`, or a rejection naming `what` after `ms`. */
function withTimeout(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Resolves with the socket at 'secureConnect', rejects with its 'error'. */
function connected(socket, ms = 45_000) {
  return withTimeout(new Promise((resolve, reject) => {
    socket.once('secureConnect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  }), ms, 'the TLS handshake');
}

/** Everything the socket delivers until 'end'; rejects with its 'error'. */
function readToEnd(socket, ms = 20_000) {
  return withTimeout(new Promise((resolve, reject) => {
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  }), ms, 'the end of the stream');
}

/** The error `promise` rejects with; fails when it resolves. */
async function failure(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure, but the operation succeeded');
}

/** A GET with Node's own http(s) module: { status, body }. */
function httpGet(module, url, options, ms = 20_000) {
  return withTimeout(new Promise((resolve, reject) => {
    const request = module.get(url, options, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
  }), ms, `GET ${url}`);
}

/** Status and body of one HTTP/1.1 response read to the end of the connection (Content-Length or close-delimited). */
function parseHttpResponse(bytes) {
  const split = bytes.indexOf('\r\n\r\n');
  if (split < 0) {
    throw new Error(`not an HTTP response: ${JSON.stringify(bytes.subarray(0, 200).toString())}`);
  }
  const head = bytes.subarray(0, split).toString('latin1');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const body = bytes.subarray(split + 4, length ? split + 4 + Number(length[1]) : bytes.length);
  return { status, head, body };
}

module.exports = { withTimeout, connected, readToEnd, failure, httpGet, parseHttpResponse };
