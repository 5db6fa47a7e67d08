'use strict';
// Loads the packaged copy of broker.proto (scripts/copy-proto.js keeps it current).
//
// keepCase: true, deliberately. Without it proto-loader renames every field to camelCase
// (server_name -> serverName) and silently drops keys spelled as in the .proto, so a Start
// written as { server_name } would go out with no server name at all. With keepCase the
// objects this package builds and reads use the .proto's own snake_case names, the same names
// the contract, the README and the other clients use.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_PATH = path.join(__dirname, '..', 'proto', 'tlsbroker', 'v1', 'broker.proto');

const packageDefinition = protoLoader.loadSync(PROTO_PATH, {
  keepCase: true,
  longs: Number,
  enums: Number,
  bytes: Buffer,
  // Absent scalars read as their proto3 defaults (ret 0, empty bytes); absent messages as null.
  defaults: true,
  oneofs: true,
});

const BrokerService = grpc.loadPackageDefinition(packageDefinition).tlsbroker.v1.BrokerService;

/** OpenSSL's SSL_get_error() values, as the SslError enum numbers them. */
const SslError = Object.freeze({
  NONE: 0,
  SSL: 1,
  WANT_READ: 2,
  WANT_WRITE: 3,
  SYSCALL: 5,
  ZERO_RETURN: 6,
});

const SSL_ERROR_NAMES = Object.freeze({
  0: 'SSL_ERROR_NONE',
  1: 'SSL_ERROR_SSL',
  2: 'SSL_ERROR_WANT_READ',
  3: 'SSL_ERROR_WANT_WRITE',
  5: 'SSL_ERROR_SYSCALL',
  6: 'SSL_ERROR_ZERO_RETURN',
});

const ALERT_LEVEL_NAMES = Object.freeze({ 0: 'unspecified', 1: 'warning', 2: 'fatal' });

module.exports = {
  PROTO_PATH,
  packageDefinition,
  BrokerService,
  SslError,
  SSL_ERROR_NAMES,
  ALERT_LEVEL_NAMES,
};
