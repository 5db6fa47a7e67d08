"""The ssl.SSLSocket / http.client surface beyond the conformance cases, against the same real
peers and broker (run by ../run-conformance under the conformance host)."""

from __future__ import annotations

import gc
import hashlib
import http.client
import os
import socket
import ssl
import threading
import time
import unittest

import tlsbroker

from .test_conformance import CASE_TIMEOUT, ENV, connect, peer, read_all, tcp


@unittest.skipUnless(ENV, "needs the conformance host ($TLSBROKER_CONFORMANCE)")
class SocketApi(unittest.TestCase):

    def test_start_SessionInfo_NamesTheSessionAndItsLimit(self):
        with connect("echo") as tls:
            self.assertTrue(tls.session_id)
            self.assertIn(tls.session_id, repr(tls))
            limit = ENV["broker"]["maxMessageBytes"]
            self.assertLess(tls._payload_limit, limit)
            self.assertGreater(tls._payload_limit, limit // 2)

    def test_sendall_MoreThanTheMessageLimit_IsSplitAndEchoed(self):
        line = os.urandom(1 << 20)
        self.assertGreater(len(line), ENV["broker"]["maxMessageBytes"])
        with connect("echo") as tls:
            tls.sendall(line)
            received = bytearray()
            while len(received) < len(line):
                received += tls.recv(len(line))
            self.assertEqual(hashlib.sha256(received).digest(), hashlib.sha256(line).digest())

    def test_sendall_PastTheBrokersLimit_RaisesBrokerLimitError(self):
        with connect("echo") as tls:
            # What a client ignoring SessionInfo.max_message_bytes would send: the broker refuses it.
            tls._payload_limit = 2 * ENV["broker"]["maxMessageBytes"]
            with self.assertRaises(tlsbroker.BrokerLimitError) as raised:
                tls.sendall(os.urandom(tls._payload_limit))
                tls.recv(1)
            self.assertEqual(raised.exception.grpc_code.name, "RESOURCE_EXHAUSTED")
            self.assertIn(ENV["broker"]["target"], str(raised.exception))

    def test_recv_NothingToRead_RaisesTimeoutAndSessionStaysUsable(self):
        with connect("echo") as tls:
            tls.settimeout(0.5)
            started = time.monotonic()
            with self.assertRaises(socket.timeout):
                tls.recv(100)
            self.assertLess(time.monotonic() - started, 5.0)
            tls.settimeout(CASE_TIMEOUT)
            tls.sendall(b"still here\n")
            self.assertEqual(tls.recv(100), b"still here\n")

    def test_recv_NonBlockingWithNothingReady_RaisesWantRead(self):
        with connect("echo") as tls:
            tls.setblocking(False)
            with self.assertRaises(ssl.SSLWantReadError):
                tls.recv(100)
            self.assertFalse(tls.getblocking())

    def test_recv_into_Buffer_FillsIt(self):
        with connect("echo") as tls:
            tls.sendall(b"into a buffer\n")
            buffer = bytearray(64)
            n = 0
            while n < 14:
                n += tls.recv_into(memoryview(buffer)[n:])
            self.assertEqual(bytes(buffer[:n]), b"into a buffer\n")
            self.assertEqual(tls.pending(), 0)

    def test_makefile_ReadlineAndWrite_Roundtrip(self):
        with connect("echo") as tls:
            with tls.makefile("rwb") as f:
                f.write(b"line one\nline two\n")
                f.flush()
                self.assertEqual(f.readline(), b"line one\n")
                self.assertEqual(f.readline(), b"line two\n")

    def test_getpeercert_DictForm_HasSubjectAndNames(self):
        with connect("nginx") as tls:
            cert = tls.getpeercert()
            self.assertIn("subject", cert)
            self.assertIn("notAfter", cert)
            self.assertIn(("DNS", peer("nginx")["serverName"]), cert["subjectAltName"])
            self.assertEqual(len(tls.peer_certificates[0]), len(tls.getpeercert(True)))

    def test_getpeercert_BeforeHandshake_RaisesValueError(self):
        tls = connect("echo", do_handshake_on_connect=False)
        try:
            with self.assertRaises(ValueError):
                tls.getpeercert()
            tls.do_handshake()
            self.assertIsNotNone(tls.version())
        finally:
            tls.close()

    def test_shutdown_WriteSide_SendsCloseNotifyAndKeepsReading(self):
        payload = b"counted by the sink\n" * 1000
        with connect("sink") as tls:
            tls.sendall(payload)
            tls.shutdown(socket.SHUT_WR)
            with self.assertRaises(ssl.SSLZeroReturnError):
                tls.sendall(b"after close_notify")
            answer = read_all(tls).decode().split()
        self.assertEqual(answer, [str(len(payload)), hashlib.sha256(payload).hexdigest()])

    def test_unwrap_AfterEcho_ReturnsThePlainSocket(self):
        tls = connect("sink")
        tls.sendall(b"x" * 10)
        plain = tls.unwrap()
        try:
            self.assertIsInstance(plain, socket.socket)
            self.assertGreaterEqual(plain.fileno(), 0)
            with self.assertRaises(OSError):
                tls.recv(10)
        finally:
            plain.close()

    def test_del_ForgottenSocket_CancelsTheBrokerCall(self):
        tls = connect("echo")
        tls.sendall(b"forgotten\n")
        echoed = b""
        while len(echoed) < 10:
            echoed += tls.recv(100)
        call = tls._call
        del tls
        gc.collect()
        self.assertIsInstance(call.failure, OSError)
        self.assertIn("garbage-collected", str(call.failure))

    def test_close_WhileAnotherThreadReads_WakesTheReader(self):
        tls = connect("echo")
        outcome = []

        def read():
            try:
                outcome.append(tls.recv(100))
            except OSError as e:
                outcome.append(e)

        reader = threading.Thread(target=read)
        reader.start()
        # The reader holds the read lock from before its wait on the socket until it returns.
        deadline = time.monotonic() + CASE_TIMEOUT
        while not tls._read_lock.locked() and time.monotonic() < deadline:
            time.sleep(0)
        started = time.monotonic()
        tls.close()
        reader.join(CASE_TIMEOUT)
        self.assertFalse(reader.is_alive())
        self.assertLess(time.monotonic() - started, 10.0)
        # close() sends close_notify before it closes the socket: when the server's close_notify
        # comes back in time, the reader ends with the clean EOF it means; otherwise with the error
        # a closed socket gives. Either way it woke up.
        self.assertEqual(len(outcome), 1)
        self.assertTrue(outcome[0] == b"" or isinstance(outcome[0], OSError), repr(outcome[0]))

    def test_close_TwiceAndAsContextManager_IsQuiet(self):
        with connect("echo") as tls:
            tls.close()
        tls.close()
        self.assertEqual(tls.fileno(), -1)

    def test_wrap_socket_WithApiKey_IsAcceptedByABrokerWithoutKeys(self):
        with tlsbroker.wrap_socket(tcp("echo"), server_hostname=peer("echo")["serverName"],
                                   broker=ENV["broker"]["target"], api_key="not-checked-here",
                                   session_cache=None, timeout=CASE_TIMEOUT) as tls:
            self.assertIsNotNone(tls.version())

    def test_wrap_socket_SameCacheTls13_ResumesAfterARead(self):
        cache = tlsbroker.SessionCache()
        nginx = peer("nginx")
        with connect("nginx", session_cache=cache) as first:
            first.sendall(f"GET {nginx['helloPath']} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            read_all(first)
        self.assertEqual(len(cache), 1)
        with connect("nginx", session_cache=cache) as second:
            self.assertTrue(second.session_reused)
            self.assertEqual(second.version(), nginx["expectVersion"])

    def test_wrap_socket_Tls12Server_ReportsTls12AndResumesFromTheHandshakeToken(self):
        cache = tlsbroker.SessionCache()
        with connect("tls12Only", session_cache=cache) as first:
            self.assertEqual(first.version(), "TLSv1.2")
            name, version, bits = first.cipher()
            self.assertRegex(name, r"^TLS_ECDHE_[A-Z0-9_]+_WITH_[A-Z0-9_]+$")
            self.assertFalse(first.session_reused)
        # TLS 1.2 hands the token out with the handshake: no read was needed.
        self.assertEqual(len(cache), 1)
        with connect("tls12Only", session_cache=cache) as second:
            self.assertTrue(second.session_reused)


@unittest.skipUnless(ENV, "needs the conformance host ($TLSBROKER_CONFORMANCE)")
class HttpApi(unittest.TestCase):

    def test_HTTPSConnection_KeepAlive_TwoRequestsOneSession(self):
        nginx = peer("nginx")
        connection = tlsbroker.HTTPSConnection(nginx["serverName"], nginx["port"], timeout=CASE_TIMEOUT,
                                               broker=ENV["broker"]["target"], session_cache=None)
        try:
            bodies = []
            for _ in range(2):
                connection.request("GET", nginx["helloPath"])
                response = connection.getresponse()
                self.assertEqual(response.status, 200)
                bodies.append(response.read().decode())
                sock = connection.sock
            self.assertEqual(bodies, [nginx["helloBody"]] * 2)
            self.assertEqual(sock.selected_alpn_protocol(), "http/1.1")
        finally:
            connection.close()

    def test_stdlib_HTTPSConnection_WithBrokerContext_Fetches(self):
        nginx = peer("nginx")
        context = tlsbroker.BrokerContext(ENV["broker"]["target"], session_cache=None)
        connection = http.client.HTTPSConnection(nginx["serverName"], nginx["port"], timeout=CASE_TIMEOUT,
                                                 context=context)
        try:
            connection.request("GET", nginx["helloPath"])
            response = connection.getresponse()
            self.assertEqual((response.status, response.read().decode()), (200, nginx["helloBody"]))
            self.assertIsInstance(connection.sock, tlsbroker.BrokerSocket)
        finally:
            connection.close()

    def test_urlopen_NotFound_RaisesHTTPError(self):
        import urllib.error
        nginx = peer("nginx")
        url = f"https://{nginx['serverName']}:{nginx['port']}/no-such-file"
        with self.assertRaises(urllib.error.HTTPError) as raised:
            tlsbroker.urlopen(url, timeout=CASE_TIMEOUT, broker=ENV["broker"]["target"], session_cache=None)
        self.assertEqual(raised.exception.code, 404)
        raised.exception.close()

    def test_HTTPSConnection_WrongName_RaisesCertVerificationError(self):
        wrong = peer("wrongName")
        # The name does not resolve: the TCP connection goes to the peer's address, TLS checks the name.
        connection = tlsbroker.HTTPSConnection(wrong["serverName"], wrong["port"], timeout=CASE_TIMEOUT,
                                               broker=ENV["broker"]["target"], session_cache=None)
        connection._create_connection = lambda address, *args, **kwargs: tcp("wrongName")
        try:
            with self.assertRaises(ssl.SSLCertVerificationError) as raised:
                connection.request("GET", "/")
            self.assertEqual(raised.exception.verify_code, wrong["expectVerifyCode"])
        finally:
            connection.close()


if __name__ == "__main__":
    unittest.main()
