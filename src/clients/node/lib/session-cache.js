'use strict';
/**
 * Resumption tokens by (broker, policy, server name), the latest one each, least recently used
 * evicted first. A token is a secret (whoever holds it can resume the session through the
 * broker): the cache never prints one.
 */
class SessionCache {
  constructor({ maxEntries = 100 } = {}) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) {
      throw new RangeError(`maxEntries must be a non-negative integer, got ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
    this._tokens = new Map();
  }

  static key(broker, policy, servername) {
    return JSON.stringify([broker, policy || 'default', servername || '']);
  }

  get(key) {
    const token = this._tokens.get(key);
    if (token !== undefined) {
      this._tokens.delete(key);
      this._tokens.set(key, token);
    }
    return token;
  }

  set(key, token) {
    this._tokens.delete(key);
    if (this.maxEntries === 0) {
      return;
    }
    this._tokens.set(key, Buffer.from(token));
    while (this._tokens.size > this.maxEntries) {
      this._tokens.delete(this._tokens.keys().next().value);
    }
  }

  delete(key) {
    this._tokens.delete(key);
  }

  get size() {
    return this._tokens.size;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `SessionCache { entries: ${this._tokens.size}, maxEntries: ${this.maxEntries} }`;
  }

  toJSON() {
    return { entries: this._tokens.size, maxEntries: this.maxEntries };
  }
}

module.exports = { SessionCache };
