'use strict';
// One gRPC channel to a broker, shared by every connection that names the same target.
const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');
const { BrokerService } = require('./proto');

const DEFAULT_TARGET = '127.0.0.1:5001';

// Kestrel's default HTTP/2 MaxStreamsPerConnection: one connection carries at most this many
// sessions at once, and a further stream would wait for one of them to end (RFC 9113 §5.1.2).
const DEFAULT_MAX_CALLS_PER_CONNECTION = 100;

function readPem(value) {
  if (value === undefined || value === null) {
    return null;
  }
  return Buffer.isBuffer(value) ? value : fs.readFileSync(value);
}

/**
 * A broker: its address and how to reach it.
 *
 * `target`: `host:port` or `http://host:port` for h2c, `https://host:port` for TLS to the
 * broker (`ca`, `cert`, `key`: PEM buffers or file paths; without `ca` the system roots).
 * `apiKey`: sent as `authorization: Bearer <key>` metadata on every call.
 * `maxCallsPerConnection`: sessions per HTTP/2 connection (the broker's stream limit, default
 * 100); more concurrent sessions open more connections.
 */
class Broker {
  constructor(options = {}) {
    const opts = typeof options === 'string' ? { target: options } : options;
    const raw = opts.target || process.env.TLSBROKER_TARGET || DEFAULT_TARGET;
    const match = /^(https?):\/\/([^/]+)\/?$/.exec(raw);
    const secure = match ? match[1] === 'https' : Boolean(opts.ca || opts.cert);
    this.target = match ? match[2] : raw;
    this.secure = secure;
    const apiKey = opts.apiKey !== undefined ? opts.apiKey : process.env.TLSBROKER_API_KEY;
    // Kept out of enumerable properties so that logging the Broker cannot print the key.
    Object.defineProperty(this, '_apiKey', { value: apiKey || null, enumerable: false });
    this.maxCallsPerConnection = opts.maxCallsPerConnection || DEFAULT_MAX_CALLS_PER_CONNECTION;
    const credentials = secure
      ? grpc.credentials.createSsl(readPem(opts.ca), readPem(opts.key), readPem(opts.cert))
      : grpc.credentials.createInsecure();
    const channelOptions = {
      // A response carries at most the records of one request's worth of plaintext; this bound
      // only guards against a broker gone wrong.
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      // HTTP/2's default 64 KiB window (RFC 9113 §6.9.2) would make every large answer wait for
      // WINDOW_UPDATEs; a window above the client's 1 MiB in flight lets answers stream.
      'grpc-node.flow_control_window': 8 * 1024 * 1024,
      // Each client of the pool gets its own connection instead of grpc-js's shared one.
      'grpc.use_local_subchannel_pool': 1,
      ...opts.channelOptions,
    };
    this._newClient = () => ({ client: new BrokerService(this.target, credentials, channelOptions), calls: 0 });
    this._clients = [this._newClient()];
  }

  /** Opens one Connect stream (one TLS session), on a connection with a free stream. */
  openCall() {
    const metadata = new grpc.Metadata();
    if (this._apiKey) {
      metadata.set('authorization', `Bearer ${this._apiKey}`);
    }
    let entry = this._clients.find((candidate) => candidate.calls < this.maxCallsPerConnection);
    if (entry === undefined) {
      entry = this._newClient();
      this._clients.push(entry);
    }
    entry.calls++;
    const call = entry.client.Connect(metadata);
    call.once('status', () => {
      entry.calls--;
      // Extra connections close once idle; the first stays for the next session.
      if (entry.calls === 0 && entry !== this._clients[0]) {
        this._clients.splice(this._clients.indexOf(entry), 1);
        entry.client.close();
      }
    });
    return call;
  }

  close() {
    for (const entry of this._clients) {
      entry.client.close();
    }
  }

  toString() {
    return `${this.secure ? 'https' : 'http'}://${this.target}`;
  }
}

const shared = new Map();

/** The Broker for `broker` (a Broker, a target string, or options), sharing one channel per target and key. */
function resolveBroker(broker, apiKey) {
  if (broker instanceof Broker) {
    return broker;
  }
  if (broker && typeof broker === 'object') {
    return new Broker({ apiKey, ...broker });
  }
  const target = broker || process.env.TLSBROKER_TARGET || DEFAULT_TARGET;
  const key = JSON.stringify([target, apiKey || null]);
  let found = shared.get(key);
  if (!found) {
    found = new Broker({ target, apiKey });
    shared.set(key, found);
  }
  return found;
}

module.exports = { Broker, resolveBroker, DEFAULT_TARGET };
