'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const protoLoader = require('@grpc/proto-loader');
const { packageDefinition, PROTO_PATH } = require('../../lib/proto');

const connect = packageDefinition['tlsbroker.v1.BrokerService'].Connect;

test('requestSerialize_StartInTheProtosOwnNames_KeepsEveryField', () => {
  const start = { policy: 'p', server_name: 'example.com', alpn: ['h2', 'http/1.1'], resumption_token: Buffer.from([1, 2, 3]) };
  const back = connect.requestDeserialize(connect.requestSerialize({ start }));
  assert.equal(back.step, 'start');
  assert.deepEqual({ ...back.start }, start);
});

test('loadSync_WithoutKeepCase_DropsSnakeCaseFields', () => {
  // Why lib/proto.js sets keepCase: proto-loader's default renames fields, and the .proto's own
  // spelling then serializes to nothing.
  const camel = protoLoader.loadSync(PROTO_PATH, { keepCase: false })['tlsbroker.v1.BrokerService'].Connect;
  const back = camel.requestDeserialize(camel.requestSerialize({ start: { server_name: 'example.com' } }));
  assert.equal(back.start.serverName, undefined);
  assert.equal(back.start.server_name, undefined);
});

test('responseDeserialize_EmptyResponse_GivesProtoDefaultsAndNullMessages', () => {
  const response = connect.responseDeserialize(Buffer.alloc(0));
  assert.equal(response.ret, 0);
  assert.equal(response.error, 0);
  assert.ok(Buffer.isBuffer(response.records_to_send) && response.records_to_send.length === 0);
  assert.equal(response.alert, null);
  assert.equal(response.established, null);
});

test('copyProto_Check_PackagedProtoMatchesTheRepository', () => {
  const repositoryProto = path.resolve(__dirname, '..', '..', '..', '..', '..', 'protos', 'tlsbroker', 'v1', 'broker.proto');
  assert.ok(fs.existsSync(repositoryProto), repositoryProto);
  assert.ok(fs.readFileSync(PROTO_PATH).equals(fs.readFileSync(repositoryProto)), 'run `npm run copy-proto`');
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'copy-proto.js'), '--check'], { stdio: 'pipe' });
});
