'use strict';
const https = require('node:https');
const { connect } = require('./tls-socket');
const { resolveBroker } = require('./broker');
const { SessionCache } = require('./session-cache');

/**
 * An https.Agent whose connections are TLS sessions through the broker: plain TCP to the
 * origin, TLS in the broker. Keep-alive, socket pooling and maxSockets work as in https.Agent;
 * resumption tokens are kept per (broker, policy, server name) in `sessionCache`.
 *
 * Options: those of https.Agent, plus `broker`, `apiKey`, `policy`, `timeout` and
 * `sessionCache` (default: one per agent, `maxCachedSessions` entries) as connect() takes them.
 */
class BrokerAgent extends https.Agent {
  constructor(options = {}) {
    const { broker, apiKey, policy, timeout, sessionCache, ...agentOptions } = options;
    super(agentOptions);
    this.broker = resolveBroker(broker, apiKey);
    this.policy = policy || '';
    this.brokerTimeout = timeout;
    this.sessionCache = sessionCache || new SessionCache({ maxEntries: this.maxCachedSessions });
  }

  // Returns the socket at once, as https.Agent's own createConnection does (Agent calls back itself).
  createConnection(options) {
    return connect({
      host: options.host,
      port: options.port,
      servername: options.servername || options.host,
      ALPNProtocols: options.ALPNProtocols || ['http/1.1'],
      broker: this.broker,
      policy: this.policy,
      timeout: this.brokerTimeout,
      sessionCache: this.sessionCache,
    });
  }

  // Sockets through different policies are not interchangeable.
  getName(options = {}) {
    return `${super.getName(options)}:${this.policy}`;
  }
}

/** A `createConnection` for http(s).request() that opens the connection through the broker. */
function createConnection(brokerOptions = {}) {
  return (options) => connect({
    ALPNProtocols: ['http/1.1'],
    ...brokerOptions,
    host: options.host || options.hostname,
    port: options.port || 443,
    servername: options.servername || brokerOptions.servername || options.host || options.hostname,
  });
}

module.exports = { BrokerAgent, createConnection };
