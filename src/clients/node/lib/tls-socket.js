'use strict';
const net = require('node:net');
const util = require('node:util');
const { Duplex } = require('node:stream');
const { X509Certificate } = require('node:crypto');
const { SslError } = require('./proto');
const { TlsBrokerError, tlsFailure, brokerFailure, timeoutError, verifyErrorCode } = require('./errors');
const { resolveBroker } = require('./broker');
const { SessionCache } = require('./session-cache');

const DEFAULT_TIMEOUT_MS = 30_000;

// NODE_DEBUG=tlsbroker prints each session's start, outcome and end (never a token or a key).
const debug = util.debuglog('tlsbroker');

// Used until the start response announces the broker's limit (SessionInfo.max_message_bytes).
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

// Room for the protobuf framing around a payload (tag, length, oneof wrapper).
const FRAMING_ALLOWANCE = 1024;

// Larger requests only add latency per exchange; smaller ones cost an exchange per chunk.
const MAX_PAYLOAD_BYTES = 256 * 1024;

// Bytes sent to the broker and not yet answered, beyond which writes wait and socket reads
// pause: enough to keep the broker busy while an answer travels back, bounded so that a slow
// server or broker holds back the application instead of growing buffers.
const HIGH_WATER_BYTES = 1024 * 1024;

// Requests of one kind (Received, Write) in flight before further data is gathered into the
// next request instead: a few keep the broker busy while answers travel back, and gathering
// turns a stream of small socket reads or writes into fewer, larger messages, each of which
// costs the broker the same fixed work.
const PIPELINE_DEPTH = 2;

/**
 * The most payload bytes one request may carry under the broker's limit: the limit less room for
 * the protobuf framing (1 KiB, or a quarter of a limit smaller than 4 KiB), at most 256 KiB.
 */
function payloadLimit(maxMessageBytes) {
  const framing = Math.min(FRAMING_ALLOWANCE, Math.floor(maxMessageBytes / 4));
  return Math.max(1, Math.min(MAX_PAYLOAD_BYTES, maxMessageBytes - framing));
}

/** `data` cut into pieces of at most `limit` bytes, of nearly equal size (no small tail piece). */
function* evenPieces(data, limit) {
  const count = Math.ceil(data.length / limit);
  const size = Math.ceil(data.length / count);
  for (let offset = 0; offset < data.length; offset += size) {
    yield data.subarray(offset, offset + size);
  }
}

/**
 * A TLS session through a TlsBroker, with the surface of tls.TLSSocket: the caller's TCP socket
 * carries the records, the broker (one Connect stream) holds the TLS state, and this Duplex
 * carries the application data.
 *
 * The broker answers every request with exactly one response, in order, so requests are sent
 * without waiting for earlier answers (one queue of unanswered requests; each response belongs
 * to its head) and each response's records are written to the socket as it arrives, which keeps
 * them in the order the broker produced them (TLS sequence numbers, RFC 8446 §5.3).
 */
class BrokerTLSSocket extends Duplex {
  constructor(options) {
    // The larger writable buffer lets writes made while requests are in flight gather into one
    // request (_writev) instead of each becoming its own.
    super({ allowHalfOpen: false, emitClose: true, autoDestroy: true, decodeStrings: true, writableHighWaterMark: MAX_PAYLOAD_BYTES });
    this.encrypted = true;
    this.authorized = false;
    this.authorizationError = null;
    this.alpnProtocol = false;
    this.servername = options.servername;
    this.sessionId = null;

    this._options = options;
    this._broker = resolveBroker(options.broker, options.apiKey);
    this._timeout = options.timeout;
    this._sessionCache = options.sessionCache || null;
    this._cacheKey = SessionCache.key(String(this._broker), options.policy, options.servername);
    this._session = null;
    this._established = null;
    this._maxPayload = payloadLimit(DEFAULT_MAX_MESSAGE_BYTES);

    this._unanswered = [];
    this._unansweredBytes = 0;
    this._answerTimer = null;
    this._handshakeTimer = null;
    this._handshakeWaiter = null;
    this._handshakeInput = [];
    this._socketEof = false;
    this._eofSent = false;
    this._receivedUnanswered = 0;
    this._receiveQueue = [];
    this._receiveQueued = 0;
    this._writesUnanswered = 0;
    this._sessionEnd = null;
    this._shutdownSent = false;
    this._callEnded = false;
    this._callFinished = false;
    this._readWanted = true;
    this._writeBeforeHandshake = null;
    this._writeCallbackHeld = null;
    this._heldFinal = null;
    this._socketWritesBlocked = false;

    this._socket = options.socket || net.connect({ host: options.host, port: options.port, ...options.netOptions });
    this._ownsSocket = !options.socket;
    this._call = this._broker.openCall();
    this._wire();
    this._handshake().catch((err) => this.destroy(err));
  }

  // ---- the tls.TLSSocket surface --------------------------------------------------------------

  getProtocol() {
    return this._established ? this._established.protocol_version : null;
  }

  /** As tls.TLSSocket#getCipher(); the broker reports IANA names, so `name` is the IANA name too. */
  getCipher() {
    if (!this._established) {
      return undefined;
    }
    const suite = this._established.cipher_suite;
    return { name: suite, standardName: suite, version: this._established.protocol_version };
  }

  getEphemeralKeyInfo() {
    if (!this._established || !this._established.group) {
      return {};
    }
    return { type: 'ECDH', name: this._established.group };
  }

  /**
   * As tls.TLSSocket#getPeerCertificate(): the server's certificate in Node's legacy form (with
   * `.raw`, the DER); with `detailed`, `issuerCertificate` links the chain as the server sent it.
   */
  getPeerCertificate(detailed = false) {
    const chain = this._established ? this._established.peer_certificates : [];
    if (chain.length === 0) {
      return {};
    }
    const objects = chain.map((der) => {
      const legacy = new X509Certificate(der).toLegacyObject();
      legacy.raw = Buffer.from(der);
      return legacy;
    });
    if (!detailed) {
      return objects[0];
    }
    for (let i = 0; i < objects.length; i++) {
      objects[i].issuerCertificate = objects[i + 1] || objects[i];
    }
    return objects[0];
  }

  getPeerX509Certificate() {
    const chain = this._established ? this._established.peer_certificates : [];
    return chain.length ? new X509Certificate(chain[0]) : undefined;
  }

  isSessionReused() {
    return Boolean(this._established && this._established.resumed);
  }

  /** The latest resumption token (a secret), as tls.TLSSocket#getSession() gives the session. */
  getSession() {
    return this._session ? Buffer.from(this._session) : undefined;
  }

  /** The handshake's duration as the broker measured it, in milliseconds. */
  getHandshakeDuration() {
    const duration = this._established && this._established.handshake_duration;
    return duration ? duration.seconds * 1000 + duration.nanos / 1e6 : undefined;
  }

  get connecting() {
    return this._socket.connecting;
  }

  get remoteAddress() {
    return this._socket.remoteAddress;
  }

  get remotePort() {
    return this._socket.remotePort;
  }

  get remoteFamily() {
    return this._socket.remoteFamily;
  }

  get localAddress() {
    return this._socket.localAddress;
  }

  get localPort() {
    return this._socket.localPort;
  }

  address() {
    return this._socket.address();
  }

  setNoDelay(noDelay) {
    if (typeof this._socket.setNoDelay === 'function') {
      this._socket.setNoDelay(noDelay);
    }
    return this;
  }

  setKeepAlive(enable, initialDelay) {
    if (typeof this._socket.setKeepAlive === 'function') {
      this._socket.setKeepAlive(enable, initialDelay);
    }
    return this;
  }

  /** As net.Socket#setTimeout: 'timeout' is emitted after `ms` without socket activity. */
  setTimeout(ms, callback) {
    if (typeof this._socket.setTimeout === 'function') {
      this._socket.setTimeout(ms);
    }
    if (callback) {
      if (ms === 0) {
        this.removeListener('timeout', callback);
      } else {
        this.once('timeout', callback);
      }
    }
    return this;
  }

  ref() {
    if (typeof this._socket.ref === 'function') {
      this._socket.ref();
    }
    return this;
  }

  unref() {
    if (typeof this._socket.unref === 'function') {
      this._socket.unref();
    }
    return this;
  }

  /**
   * Resolves with the gRPC status that ended the Connect stream: OK after a clean close,
   * CANCELLED when destroy() or a timeout freed the session in the broker.
   */
  brokerCallStatus() {
    return this._callStatus;
  }

  // ---- wiring ----------------------------------------------------------------------------------

  _wire() {
    const socket = this._socket;
    socket.on('connect', () => this.emit('connect'));
    socket.on('data', (chunk) => this._onSocketData(chunk));
    socket.on('end', () => this._onSocketEnd());
    socket.on('error', (err) => this.destroy(err));
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('close', () => {
      if (!this._sessionEnd && !this._socketEof) {
        this.destroy(new TlsBrokerError('the socket closed before the TLS session ended', 'ECONNRESET'));
      }
    });
    socket.on('drain', () => {
      if (this._socketWritesBlocked) {
        this._socketWritesBlocked = false;
        this._call.resume();
        this._armAnswerTimer();
      }
    });

    const call = this._call;
    this._callStatus = new Promise((resolve) => call.once('status', resolve));
    call.on('data', (response) => this._onResponse(response));
    call.on('error', (err) => this.destroy(brokerFailure(err, String(this._broker))));
    call.on('end', () => {
      this._callFinished = true;
      if (this._unanswered.length > 0) {
        this.destroy(new TlsBrokerError(`the broker (${this._broker}) ended the stream without answering`, 'ERR_TLSBROKER_UNAVAILABLE'));
      }
    });
  }

  // ---- requests and answers ---------------------------------------------------------------------

  /** Sends a request now; `onAnswer(response)` runs when its response arrives, after its records went out. */
  _request(request, bytes, onAnswer) {
    this._unanswered.push({ bytes, onAnswer });
    this._unansweredBytes += bytes;
    this._armAnswerTimer();
    return this._call.write(request);
  }

  /**
   * Bounds the wait for the oldest unanswered request. Not while answers are held back because
   * the server reads slowly: that wait is the server's, which setTimeout() bounds as on any socket.
   */
  _armAnswerTimer() {
    if (this._answerTimer === null && this._unanswered.length > 0 && !this._socketWritesBlocked && !this.destroyed) {
      this._answerTimer = setTimeout(() => this._onAnswerTimeout(), this._timeout);
    }
  }

  _onAnswerTimeout() {
    this.destroy(timeoutError(`the broker (${this._broker}) did not answer within ${this._timeout} ms`));
  }

  _onResponse(response) {
    const entry = this._unanswered.shift();
    if (entry === undefined) {
      this.destroy(new TlsBrokerError(`the broker (${this._broker}) sent a response nobody asked for`, 'ERR_TLSBROKER_PROTOCOL'));
      return;
    }
    this._unansweredBytes -= entry.bytes;
    if (this._unanswered.length === 0) {
      clearTimeout(this._answerTimer);
      this._answerTimer = null;
    } else if (this._answerTimer !== null) {
      this._answerTimer.refresh();
    }

    // A socket the server already closed (net ends its own side at the server's FIN unless
    // allowHalfOpen) takes nothing more: the close_notify answering the server's goes nowhere.
    if (response.records_to_send.length > 0 && this._socket.writable) {
      if (!this._socket.write(response.records_to_send) && !this._socketWritesBlocked) {
        // The server reads slower than the broker encrypts: hold the broker's answers (and so,
        // through HTTP/2 flow control, the requests) until the socket drains.
        this._socketWritesBlocked = true;
        this._call.pause();
        clearTimeout(this._answerTimer);
        this._answerTimer = null;
      }
    }
    if (response.resumption_token.length > 0) {
      this._onResumptionToken(response.resumption_token);
    }
    entry.onAnswer(response);
    if (!this.destroyed) {
      this._afterAnswer();
    }
  }

  _onResumptionToken(token) {
    this._session = Buffer.from(token);
    if (this._sessionCache) {
      this._sessionCache.set(this._cacheKey, this._session);
    }
    this.emit('session', Buffer.from(token));
  }

  /** Resumes what waited for unanswered requests to drain: held writes, socket reads, the EOF. */
  _afterAnswer() {
    this._flushReceived();
    if (this._writeCallbackHeld && this._writesUnanswered < PIPELINE_DEPTH && this._unansweredBytes < HIGH_WATER_BYTES) {
      const callback = this._writeCallbackHeld;
      this._writeCallbackHeld = null;
      callback();
    }
    this._updateSocketFlow();
    this._maybeSendEof();
    this._maybeEndCall();
  }

  // ---- handshake ---------------------------------------------------------------------------------

  async _handshake() {
    this._handshakeTimer = setTimeout(() => {
      this.destroy(timeoutError(`the TLS handshake with ${this._describePeer()} did not complete within ${this._timeout} ms`));
    }, this._timeout);

    if (this._socket.connecting) {
      await new Promise((resolve, reject) => {
        this._handshakeWaiter = { resolve, reject };
        this._socket.once('connect', () => resolve());
      });
    }

    const token = this._options.session || (this._sessionCache && this._sessionCache.get(this._cacheKey)) || Buffer.alloc(0);
    let response = await this._exchange({
      start: {
        policy: this._options.policy || '',
        server_name: this.servername || '',
        alpn: this._options.ALPNProtocols || [],
        resumption_token: token,
      },
    }, 0);
    this._onSessionInfo(response.session);

    while (!(response.ret === 1 && response.established)) {
      if (response.error !== SslError.WANT_READ) {
        throw this._handshakeFailure(response);
      }
      const input = await this._nextHandshakeInput();
      response = input === null
        ? await this._exchange({ received: { data: Buffer.alloc(0), eof: true } }, 0)
        : await this._exchange({ received: { data: input, eof: false } }, input.length);
    }
    this._onEstablished(response);
  }

  /** The server and the broker's session id, for messages: errors quote the id the broker logs. */
  _describePeer() {
    const where = this._options.host ? `${this._options.host}:${this._options.port}` : 'the server';
    return `${where} (${this.servername}${this.sessionId ? `, broker session ${this.sessionId}` : ''})`;
  }

  _onSessionInfo(session) {
    if (!session) {
      debug('broker %s announced no session info; requests stay under %d bytes', this._broker, this._maxPayload);
      return;
    }
    this.sessionId = session.id || null;
    debug('session %s started on %s for %s, max_message_bytes %d', this.sessionId, this._broker, this.servername, session.max_message_bytes);
    if (session.max_message_bytes > 0) {
      this._maxPayload = payloadLimit(session.max_message_bytes);
    }
  }

  _exchange(request, bytes) {
    return new Promise((resolve, reject) => {
      this._handshakeWaiter = { resolve, reject };
      this._request(request, bytes, (response) => {
        this._handshakeWaiter = null;
        resolve(response);
      });
    });
  }

  /** The bytes the socket delivered since the last call (null at EOF), waiting for some if none. */
  _nextHandshakeInput() {
    const take = () => {
      if (this._handshakeInput.length > 0) {
        const input = this._takeHandshakeInput();
        return input;
      }
      return this._socketEof ? null : undefined;
    };
    const ready = take();
    if (ready !== undefined) {
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      this._handshakeWaiter = {
        resolve: () => {
          this._handshakeWaiter = null;
          resolve(take());
        },
        reject,
        input: true,
      };
    });
  }

  _takeHandshakeInput() {
    const all = Buffer.concat(this._handshakeInput);
    const input = all.subarray(0, this._maxPayload);
    this._handshakeInput = input.length < all.length ? [all.subarray(input.length)] : [];
    return input;
  }

  _handshakeFailure(response) {
    const err = tlsFailure(response, `TLS handshake with ${this._describePeer()} failed`);
    if (err.verifyCode) {
      this.authorizationError = verifyErrorCode(response.verify);
    }
    return err;
  }

  _onEstablished(response) {
    debug('session %s established: %s %s alpn=%s resumed=%s', this.sessionId, response.established.protocol_version,
      response.established.cipher_suite, response.established.alpn || 'none', response.established.resumed);
    clearTimeout(this._handshakeTimer);
    this._handshakeTimer = null;
    this._established = response.established;
    this.authorized = true;
    this.alpnProtocol = response.established.alpn || false;

    // The server's bytes that arrived after its final flight (TLS 1.3 tickets, early data) go
    // through the data path now.
    const early = this._handshakeInput;
    this._handshakeInput = [];
    if (response.plaintext.length > 0) {
      this.push(response.plaintext);
    }
    for (const chunk of early) {
      this._sendReceived(chunk);
    }
    this.emit('secureConnect');
    this.emit('secure');

    if (this._writeBeforeHandshake) {
      const { chunks, callback } = this._writeBeforeHandshake;
      this._writeBeforeHandshake = null;
      this._writev(chunks, callback);
    }
    if (this._heldFinal) {
      const callback = this._heldFinal;
      this._heldFinal = null;
      this._final(callback);
    }
    this._maybeSendEof();
  }

  // ---- reading ------------------------------------------------------------------------------------

  _onSocketData(chunk) {
    if (!this._established) {
      this._handshakeInput.push(chunk);
      if (this._handshakeWaiter && this._handshakeWaiter.input) {
        this._handshakeWaiter.resolve();
      }
      return;
    }
    if (this._sessionEnd) {
      return;
    }
    this._sendReceived(chunk);
  }

  _sendReceived(chunk) {
    this._receiveQueue.push(chunk);
    this._receiveQueued += chunk.length;
    this._flushReceived();
  }

  /** Sends what the socket delivered, now while few Received requests are in flight, else gathered when one is answered. */
  _flushReceived() {
    while (this._receiveQueued > 0
      && (this._receivedUnanswered < PIPELINE_DEPTH || this._receiveQueued >= this._maxPayload)
      && !this.destroyed) {
      let data = this._receiveQueue.length === 1 ? this._receiveQueue[0] : Buffer.concat(this._receiveQueue, this._receiveQueued);
      const rest = data.length > this._maxPayload ? data.subarray(this._maxPayload) : null;
      data = rest ? data.subarray(0, this._maxPayload) : data;
      this._receiveQueue = rest ? [rest] : [];
      this._receiveQueued = rest ? rest.length : 0;
      this._receivedUnanswered++;
      this._request({ received: { data, eof: false } }, data.length, (response) => this._onReceivedAnswer(response));
    }
    this._updateSocketFlow();
  }

  _onReceivedAnswer(response) {
    this._receivedUnanswered--;
    this._deliver(response);
    this._checkDataPhase(response, 'reading from');
  }

  _deliver(response) {
    if (response.plaintext.length > 0 && !this._sessionEnd && !this.push(response.plaintext)) {
      this._readWanted = false;
    }
  }

  /** Acts on a data-phase answer's status: close_notify ends the readable side, a failure destroys. */
  _checkDataPhase(response, doing) {
    switch (response.error) {
      case SslError.NONE:
      case SslError.WANT_READ:
        return;
      case SslError.ZERO_RETURN:
        if (!this._sessionEnd) {
          this._sessionEnd = response;
          this.push(null);
        }
        return;
      default: {
        this._sessionEnd = response;
        this.destroy(tlsFailure(response, `TLS error ${doing} ${this._describePeer()}`));
      }
    }
  }

  _read() {
    this._readWanted = true;
    this._updateSocketFlow();
  }

  /** Reads from the socket only while the application reads and the broker keeps up. */
  _updateSocketFlow() {
    if (!this._established || this._socket.destroyed) {
      return;
    }
    if (this._readWanted && this._unansweredBytes + this._receiveQueued < HIGH_WATER_BYTES) {
      if (this._socket.isPaused()) {
        this._socket.resume();
      }
    } else if (!this._socket.isPaused()) {
      this._socket.pause();
    }
  }

  _onSocketEnd() {
    this._socketEof = true;
    if (!this._established) {
      if (this._handshakeWaiter && this._handshakeWaiter.input) {
        this._handshakeWaiter.resolve();
      }
      return;
    }
    this._maybeSendEof();
  }

  /**
   * Tells the broker about the server's FIN once the Received requests before it are answered:
   * if one of them carried close_notify the session is already over and there is nothing to say.
   */
  _maybeSendEof() {
    if (!this._established || !this._socketEof || this._eofSent || this._sessionEnd || this._receivedUnanswered > 0
      || this._receiveQueued > 0 || this.destroyed) {
      return;
    }
    this._eofSent = true;
    this._receivedUnanswered++;
    this._request({ received: { data: Buffer.alloc(0), eof: true } }, 0, (response) => {
      this._receivedUnanswered--;
      this._deliver(response);
      this._checkDataPhase(response, 'reading from');
      if (!this._sessionEnd && !this.destroyed) {
        this.destroy(new TlsBrokerError('the broker kept the session open after the server closed TCP', 'ERR_TLSBROKER_PROTOCOL'));
      }
    });
  }

  // ---- writing ------------------------------------------------------------------------------------

  _write(chunk, encoding, callback) {
    this._writev([{ chunk }], callback);
  }

  _writev(chunks, callback) {
    if (!this._established) {
      // As tls.TLSSocket: data written before the handshake completes goes out after it.
      this._writeBeforeHandshake = { chunks, callback };
      return;
    }
    if (this._sessionEnd) {
      callback(new TlsBrokerError('the TLS session has ended; nothing more can be written', 'EPIPE'));
      return;
    }
    const data = chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk));
    for (const plaintext of evenPieces(data, this._maxPayload)) {
      this._writesUnanswered++;
      this._request({ write: { plaintext } }, plaintext.length, (response) => this._onWriteAnswer(response));
    }
    // Holding the callback while enough is in flight makes the stream buffer the next writes,
    // which then come to _writev together.
    if (this._writesUnanswered < PIPELINE_DEPTH && this._unansweredBytes < HIGH_WATER_BYTES) {
      callback();
    } else {
      this._writeCallbackHeld = callback;
    }
  }

  _onWriteAnswer(response) {
    this._writesUnanswered--;
    this._deliver(response);
    this._checkDataPhase(response, 'writing to');
  }

  /** end(): close_notify (SSL_shutdown), then the socket's FIN, as tls.TLSSocket#end() does. */
  _final(callback) {
    if (!this._established) {
      this._heldFinal = callback;
      return;
    }
    const finish = () => {
      if (this._socket.writable) {
        this._socket.end();
      }
      this._maybeEndCall();
      callback();
    };
    if (this._sessionEnd || this._shutdownSent) {
      // The broker already answered the server's close_notify with its own.
      finish();
      return;
    }
    this._shutdownSent = true;
    this._request({ shutdown: {} }, 0, (response) => {
      if (response.error === SslError.SSL || response.error === SslError.SYSCALL) {
        this._sessionEnd = response;
        callback(tlsFailure(response, `TLS error closing the session with ${this._describePeer()}`));
        return;
      }
      finish();
    });
  }

  /** Half-closes the Connect stream once the session is over in both directions and nothing is unanswered. */
  _maybeEndCall() {
    const writeSideDone = this._shutdownSent || this.writableFinished;
    if (this._callEnded || this._unanswered.length > 0 || !this._sessionEnd || !writeSideDone) {
      return;
    }
    this._callEnded = true;
    this._call.end();
  }

  // ---- teardown -----------------------------------------------------------------------------------

  _destroy(err, callback) {
    debug('session %s closed%s', this.sessionId, err ? `: ${err.code} ${err.message}` : '');
    clearTimeout(this._answerTimer);
    clearTimeout(this._handshakeTimer);
    if (err && !this._established && err.verifyCode) {
      this.authorizationError = this.authorizationError || err.code;
    }
    if (this._handshakeWaiter) {
      const waiter = this._handshakeWaiter;
      this._handshakeWaiter = null;
      waiter.reject(err || new TlsBrokerError('the socket was destroyed', 'ERR_STREAM_DESTROYED'));
    }
    this._writeBeforeHandshake = null;
    this._writeCallbackHeld = null;
    // An open call is cancelled, which frees the session in the broker at once; a call that
    // ended cleanly is left to finish.
    if (!this._callEnded && !this._callFinished) {
      this._call.cancel();
    }
    this._call.removeAllListeners('data');
    this._call.on('error', () => {});
    this._socket.destroy();
    callback(err);
  }
}

/**
 * ALPNProtocols as tls.connect() takes them: strings, Buffers or TypedArrays, or one Buffer in
 * the wire format (length-prefixed names, RFC 7301 §3.1).
 */
function normalizeAlpn(protocols) {
  if (protocols === undefined || protocols === null) {
    return [];
  }
  if (Array.isArray(protocols)) {
    return protocols.map((p) => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('latin1')));
  }
  if (ArrayBuffer.isView(protocols)) {
    const wire = Buffer.from(protocols.buffer, protocols.byteOffset, protocols.byteLength);
    const names = [];
    for (let offset = 0; offset < wire.length; offset += 1 + wire[offset]) {
      const end = offset + 1 + wire[offset];
      if (wire[offset] === 0 || end > wire.length) {
        throw new TypeError('ALPNProtocols: malformed length-prefixed protocol list');
      }
      names.push(wire.toString('latin1', offset + 1, end));
    }
    return names;
  }
  throw new TypeError('ALPNProtocols must be an array of strings or Buffers, or a Buffer');
}

function normalizeArgs(args) {
  let options = {};
  let callback;
  for (const arg of args) {
    if (typeof arg === 'function') {
      callback = arg;
    } else if (arg && typeof arg === 'object') {
      options = { ...options, ...arg };
    } else if (typeof arg === 'number' || (typeof arg === 'string' && /^\d+$/.test(arg))) {
      options.port = Number(arg);
    } else if (typeof arg === 'string') {
      options.host = arg;
    }
  }
  return { options, callback };
}

/**
 * Opens a TLS session through the broker, in the shape of tls.connect():
 * `connect(options[, callback])`, `connect(port[, host][, options][, callback])`.
 */
function connect(...args) {
  const { options, callback } = normalizeArgs(args);
  if (!options.socket && (options.port === undefined || options.port === null)) {
    throw new TypeError('connect() needs `socket` or `port` (and `host`)');
  }
  const host = options.host || 'localhost';
  const timeout = options.timeout === undefined ? DEFAULT_TIMEOUT_MS : options.timeout;
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new RangeError(`timeout must be a positive number of milliseconds, got ${options.timeout}`);
  }
  // As tls.connect(): servername defaults to the host unless the host is an IP literal (RFC 6066 §3).
  // The broker sends a DNS name as SNI and matches an IP literal against IP subjectAltNames.
  const servername = options.servername || host;
  const ALPNProtocols = normalizeAlpn(options.ALPNProtocols);
  const socket = new BrokerTLSSocket({ ...options, host: options.socket ? options.host : host, servername, timeout, ALPNProtocols });
  if (callback) {
    socket.once('secureConnect', callback);
  }
  return socket;
}

module.exports = { BrokerTLSSocket, connect, normalizeAlpn, payloadLimit, DEFAULT_TIMEOUT_MS };
