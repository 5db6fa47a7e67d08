'use strict';
const { connect, BrokerTLSSocket, DEFAULT_TIMEOUT_MS } = require('./tls-socket');
const { BrokerAgent, createConnection } = require('./agent');
const { Broker } = require('./broker');
const { SessionCache } = require('./session-cache');
const { TlsBrokerError } = require('./errors');

module.exports = {
  connect,
  createConnection,
  BrokerAgent,
  BrokerTLSSocket,
  Broker,
  SessionCache,
  TlsBrokerError,
  DEFAULT_TIMEOUT_MS,
};
