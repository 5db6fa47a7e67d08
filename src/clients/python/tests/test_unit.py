"""Fast tests without a broker: how broker results and gRPC statuses become Python exceptions,
the session cache, and what never shows secrets."""

from __future__ import annotations

import socket
import ssl
import unittest

import grpc

import tlsbroker
from tlsbroker import _errors
from tlsbroker._socket import _cipher_bits
from tlsbroker.v1 import broker_pb2


class RpcFailure(grpc.RpcError):
    """A gRPC failure as grpcio raises it from a stream (code() and details())."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self._code = code
        self._details = details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details


def failed(**fields) -> broker_pb2.ConnectResponse:
    return broker_pb2.ConnectResponse(ret=-1, **fields)


class TlsErrorTests(unittest.TestCase):

    def test_tls_error_VerifyFailure_IsCertVerificationErrorWithCodeAndMessage(self):
        response = failed(error=broker_pb2.SSL_ERROR_SSL, reason="certificate verify failed",
                          verify=broker_pb2.VerifyResult(code=62, name="X509_V_ERR_HOSTNAME_MISMATCH", depth=0),
                          alert=broker_pb2.Alert(description=42, name="bad_certificate",
                                                 level=broker_pb2.ALERT_LEVEL_FATAL, sent=True))
        e = _errors.tls_error(response, operation="handshake", server_name="wrong.example", session_id="s1")
        self.assertIsInstance(e, ssl.SSLCertVerificationError)
        self.assertIsInstance(e, tlsbroker.BrokerSSLError)
        self.assertEqual((e.verify_code, e.verify_message), (62, "certificate verify failed"))
        self.assertEqual(e.verify, tlsbroker.VerifyResult(62, "X509_V_ERR_HOSTNAME_MISMATCH", 0))
        self.assertEqual(e.alert, tlsbroker.Alert(42, "bad_certificate", True, True))
        self.assertEqual((e.errno, e.library, e.reason), (ssl.SSL_ERROR_SSL, "SSL", "CERTIFICATE_VERIFY_FAILED"))
        self.assertIn("X509_V_ERR_HOSTNAME_MISMATCH", str(e))
        self.assertIn("wrong.example", str(e))

    def test_tls_error_ReceivedAlert_IsSslErrorNamingTheAlert(self):
        response = failed(error=broker_pb2.SSL_ERROR_SSL, reason="tlsv1 alert protocol version",
                          alert=broker_pb2.Alert(description=70, name="protocol_version",
                                                 level=broker_pb2.ALERT_LEVEL_FATAL, sent=False))
        e = _errors.tls_error(response, operation="handshake", server_name="localhost", session_id="")
        self.assertIs(type(e), tlsbroker.BrokerSSLError)
        self.assertEqual(e.reason, "TLSV1_ALERT_PROTOCOL_VERSION")
        self.assertEqual(e.ssl_error, "SSL_ERROR_SSL")
        self.assertFalse(e.alert.sent)
        self.assertIn("protocol_version (70) received from the server", str(e))

    def test_tls_error_Syscall_IsEofErrorNotCleanEof(self):
        response = failed(error=broker_pb2.SSL_ERROR_SYSCALL, reason="unexpected eof while reading")
        e = _errors.tls_error(response, operation="read", server_name="localhost", session_id="")
        self.assertIsInstance(e, ssl.SSLEOFError)
        self.assertEqual(e.errno, ssl.SSL_ERROR_EOF)
        self.assertIsNone(e.alert)
        self.assertIsNone(e.verify)
        self.assertIn("truncated", str(e))

    def test_tls_error_ZeroReturnOnWrite_IsZeroReturnError(self):
        response = broker_pb2.ConnectResponse(ret=0, error=broker_pb2.SSL_ERROR_ZERO_RETURN)
        e = _errors.tls_error(response, operation="write", server_name="localhost", session_id="")
        self.assertIsInstance(e, ssl.SSLZeroReturnError)
        self.assertEqual(e.errno, ssl.SSL_ERROR_ZERO_RETURN)


class RpcErrorTests(unittest.TestCase):

    def check(self, code, expected_class, expected_builtin):
        e = _errors.rpc_error(RpcFailure(code, "details from the broker"), "127.0.0.1:5001", "example.com")
        self.assertIs(type(e), expected_class)
        self.assertIsInstance(e, expected_builtin)
        self.assertIsInstance(e, tlsbroker.BrokerError)
        self.assertEqual(e.grpc_code, code)
        self.assertIn("127.0.0.1:5001", str(e))
        self.assertIn("details from the broker", str(e))
        self.assertIn("example.com", str(e))

    def test_rpc_error_EachStatus_MapsToItsBuiltinFamily(self):
        self.check(grpc.StatusCode.UNAVAILABLE, tlsbroker.BrokerUnavailableError, ConnectionError)
        self.check(grpc.StatusCode.PERMISSION_DENIED, tlsbroker.BrokerPermissionError, PermissionError)
        self.check(grpc.StatusCode.UNAUTHENTICATED, tlsbroker.BrokerAuthenticationError, PermissionError)
        self.check(grpc.StatusCode.DEADLINE_EXCEEDED, tlsbroker.BrokerTimeoutError, TimeoutError)
        self.check(grpc.StatusCode.INVALID_ARGUMENT, tlsbroker.BrokerRequestError, ValueError)
        self.check(grpc.StatusCode.RESOURCE_EXHAUSTED, tlsbroker.BrokerLimitError, OSError)

    def test_rpc_error_TransportLostUnderAnotherStatus_IsUnavailable(self):
        e = _errors.rpc_error(RpcFailure(grpc.StatusCode.UNKNOWN, "Stream removed"), "127.0.0.1:5001", "x")
        self.assertIsInstance(e, tlsbroker.BrokerUnavailableError)

    def test_rpc_error_OtherStatus_IsBrokerErrorNamingIt(self):
        e = _errors.rpc_error(RpcFailure(grpc.StatusCode.INTERNAL, "boom"), "127.0.0.1:5001", "x")
        self.assertIs(type(e), tlsbroker.BrokerError)
        self.assertIn("INTERNAL", str(e))


class SessionCacheTests(unittest.TestCase):

    def test_put_BeyondMaxEntries_EvictsLeastRecentlyUsed(self):
        cache = tlsbroker.SessionCache(max_entries=2)
        cache.put(("b", "p", "one"), b"1")
        cache.put(("b", "p", "two"), b"2")
        self.assertEqual(cache.get(("b", "p", "one")), b"1")
        cache.put(("b", "p", "three"), b"3")
        self.assertIsNone(cache.get(("b", "p", "two")))
        self.assertEqual(cache.get(("b", "p", "one")), b"1")
        self.assertEqual(len(cache), 2)

    def test_get_OtherPolicyOrBroker_FindsNothing(self):
        cache = tlsbroker.SessionCache()
        cache.put(("b1", "default", "example.com"), b"token")
        self.assertIsNone(cache.get(("b1", "strict", "example.com")))
        self.assertIsNone(cache.get(("b2", "default", "example.com")))

    def test_repr_WithTokens_ShowsNoToken(self):
        cache = tlsbroker.SessionCache()
        cache.put(("b", "p", "n"), b"secret-token-bytes")
        self.assertNotIn("secret", repr(cache))


class SecretsTests(unittest.TestCase):

    def test_repr_Broker_HidesApiKey(self):
        with tlsbroker.Broker("127.0.0.1:1", api_key="s3cret-key") as broker:
            self.assertNotIn("s3cret", repr(broker))
            self.assertIn("<set>", repr(broker))


class SurfaceTests(unittest.TestCase):

    def test_cipher_bits_IanaSuites_GiveKeyBits(self):
        self.assertEqual(_cipher_bits("TLS_AES_128_GCM_SHA256"), 128)
        self.assertEqual(_cipher_bits("TLS_AES_256_GCM_SHA384"), 256)
        self.assertEqual(_cipher_bits("TLS_CHACHA20_POLY1305_SHA256"), 256)
        self.assertEqual(_cipher_bits("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), 128)

    def test_wrap_socket_ServerSide_IsRefused(self):
        context = tlsbroker.BrokerContext("127.0.0.1:1")
        with socket.socket() as sock:
            with self.assertRaises(ValueError):
                context.wrap_socket(sock, server_side=True, server_hostname="x")

    def test_check_hostname_TurnedOff_IsRefused(self):
        context = tlsbroker.BrokerContext("127.0.0.1:1")
        with self.assertRaises(ValueError):
            context.check_hostname = False
        self.assertEqual(context.verify_mode, ssl.CERT_REQUIRED)

    def test_wrap_socket_NoServerName_IsRefused(self):
        with socket.socket() as sock:
            with self.assertRaises(ValueError):
                tlsbroker.wrap_socket(sock, server_hostname="", broker="127.0.0.1:1")


if __name__ == "__main__":
    unittest.main()
