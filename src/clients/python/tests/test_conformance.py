"""The client conformance cases (tests/conformance/README.md), one test per case id.

Run under the conformance host (../run-conformance), which sets $TLSBROKER_CONFORMANCE (the
environment file) and $TLSBROKER_CONFORMANCE_RESULTS (where each case appends its outcome).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
import socket
import ssl
import threading
import time
import unittest
import urllib.request

import tlsbroker

ENV_PATH = os.environ.get("TLSBROKER_CONFORMANCE")
RESULTS_PATH = os.environ.get("TLSBROKER_CONFORMANCE_RESULTS")
ENV = json.load(open(ENV_PATH)) if ENV_PATH else None
# Every wait in a case is bounded: long enough for a loaded 2-core CI machine, short enough to fail.
CASE_TIMEOUT = 30.0


def record(case: str, outcome: str, detail: str = "") -> None:
    if not RESULTS_PATH:
        return
    line = {"client": "python", "case": case, "outcome": outcome}
    if detail:
        line["detail"] = detail[:2000]
    with open(RESULTS_PATH, "a") as f:
        f.write(json.dumps(line) + "\n")


def case(case_id: str):
    """Runs the test as conformance case ``case_id`` and appends its outcome to the results file."""
    def decorate(test):
        @functools.wraps(test)
        def run(self):
            try:
                test(self)
            except BaseException as e:
                record(case_id, "fail", f"{type(e).__name__}: {e}")
                raise
            record(case_id, "pass")
        return run
    return decorate


def peer(name: str) -> dict:
    return ENV["peers"][name]


def tcp(name: str) -> socket.socket:
    p = peer(name)
    return socket.create_connection((p["host"], p["port"]), timeout=CASE_TIMEOUT)


def connect(name: str, *, broker=None, **kwargs) -> tlsbroker.BrokerSocket:
    kwargs.setdefault("session_cache", None)
    kwargs.setdefault("timeout", CASE_TIMEOUT)
    return tlsbroker.wrap_socket(tcp(name), server_hostname=peer(name)["serverName"],
                                 broker=broker or ENV["broker"]["target"], **kwargs)


def read_all(tls) -> bytes:
    chunks = []
    while True:
        data = tls.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def http_get(tls, path: str, host: str, close: bool) -> None:
    connection = "close" if close else "keep-alive"
    tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: {connection}\r\n\r\n".encode())


def read_http_body(tls) -> tuple:
    """Reads one HTTP/1.1 response with Content-Length; returns (status, body)."""
    f = tls.makefile("rb")
    try:
        status = int(f.readline().split()[1])
        length = 0
        while True:
            line = f.readline().strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, f.read(length)
    finally:
        f.close()


@unittest.skipUnless(ENV, "needs the conformance host ($TLSBROKER_CONFORMANCE)")
class Conformance(unittest.TestCase):

    @case("handshake_verified")
    def test_handshake_verified(self):
        nginx = peer("nginx")
        with connect("nginx", alpn_protocols=nginx["offerAlpn"]) as tls:
            self.assertEqual(tls.version(), nginx["expectVersion"])
            name, version, bits = tls.cipher()
            self.assertRegex(name, r"^TLS_[A-Z0-9_]+$")
            self.assertEqual(version, nginx["expectVersion"])
            self.assertGreaterEqual(bits, 128)
            self.assertEqual(tls.selected_alpn_protocol(), nginx["expectAlpn"])
            der = tls.getpeercert(binary_form=True)
            # The DER the client reports is the certificate the server presents to a plain TLS client.
            own = ssl.create_default_context(cafile=ENV["caFile"])
            with own.wrap_socket(tcp("nginx"), server_hostname=nginx["serverName"]) as direct:
                self.assertEqual(der, direct.getpeercert(binary_form=True))
            self.assertIn(("DNS", nginx["serverName"]), tls.getpeercert()["subjectAltName"])
            self.assertFalse(tls.session_reused)

    @case("verify_failure")
    def test_verify_failure(self):
        wrong = peer("wrongName")
        with self.assertRaises(ssl.SSLCertVerificationError) as raised:
            connect("wrongName")
        e = raised.exception
        self.assertIsInstance(e, tlsbroker.BrokerCertVerificationError)
        self.assertEqual(e.verify_code, wrong["expectVerifyCode"])
        self.assertEqual(e.verify.name, wrong["expectVerifyName"])
        self.assertTrue(e.verify_message)
        self.assertIn(wrong["expectVerifyName"], str(e))

    @case("server_alert")
    def test_server_alert(self):
        tls12 = peer("tls12Only")
        with self.assertRaises(ssl.SSLError) as raised:
            connect("tls12Only", policy=ENV["policies"]["tls13Only"])
        e = raised.exception
        self.assertIsInstance(e, tlsbroker.BrokerSSLError)
        self.assertNotIsInstance(e, ssl.SSLCertVerificationError)
        self.assertIsNotNone(e.alert, str(e))
        self.assertEqual(e.alert.description, tls12["expectAlert"])
        self.assertEqual(e.alert.name, tls12["expectAlertName"])
        self.assertFalse(e.alert.sent, "the alert came from the server")
        self.assertIn(tls12["expectAlertName"], str(e))

    @case("unknown_policy")
    def test_unknown_policy(self):
        with self.assertRaises(PermissionError) as raised:
            connect("nginx", policy=ENV["policies"]["unknown"])
        e = raised.exception
        self.assertIsInstance(e, tlsbroker.BrokerPermissionError)
        self.assertIn("denied", str(e))

    @case("close_notify")
    def test_close_notify(self):
        nginx = peer("nginx")
        with connect("nginx") as tls:
            http_get(tls, nginx["helloPath"], nginx["serverName"], close=True)
            response = read_all(tls)
            self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:100])
            self.assertTrue(response.endswith(b"\r\n\r\n" + nginx["helloBody"].encode()), response[-200:])
            # A clean EOF stays a clean EOF.
            self.assertEqual(tls.recv(100), b"")

    @case("no_close_notify")
    def test_no_close_notify(self):
        greeting = peer("closeWithoutNotify")["greeting"].encode()
        with connect("closeWithoutNotify") as tls:
            received = b""
            with self.assertRaises(ssl.SSLEOFError) as raised:
                while True:
                    data = tls.recv(1024)
                    self.assertTrue(data, "a truncation must not read as a clean EOF")
                    received += data
            self.assertEqual(received, greeting)
            self.assertIsInstance(raised.exception, tlsbroker.BrokerEOFError)
            self.assertEqual(raised.exception.ssl_error, "SSL_ERROR_SYSCALL")
            # And it stays an error.
            with self.assertRaises(ssl.SSLEOFError):
                tls.recv(1024)

    @case("client_closes_first")
    def test_client_closes_first(self):
        tls = connect("echo")
        tls.sendall(b"ping\n")
        echoed = b""
        while len(echoed) < 5:
            echoed += tls.recv(100)
        self.assertEqual(echoed, b"ping\n")
        tls.close()
        with self.assertRaises(OSError):
            tls.sendall(b"after close")
        with self.assertRaises(OSError):
            tls.recv(100)
        self.assertEqual(tls.fileno(), -1)

    @case("roundtrip_16m")
    def test_roundtrip_16m(self):
        payload = os.urandom(16 << 20)
        failure = []
        with connect("echo") as tls:
            def write():
                try:
                    tls.sendall(payload)
                except BaseException as e:
                    failure.append(e)

            writer = threading.Thread(target=write)
            writer.start()
            received = hashlib.sha256()
            count = 0
            while count < len(payload):
                data = tls.recv(1 << 20)
                self.assertTrue(data, f"EOF after {count} bytes")
                received.update(data)
                count += len(data)
            writer.join(CASE_TIMEOUT)
            self.assertFalse(writer.is_alive())
            self.assertEqual(failure, [])
            self.assertEqual(count, len(payload))
            self.assertEqual(received.hexdigest(), hashlib.sha256(payload).hexdigest())

    @case("deadline_silent_server")
    def test_deadline_silent_server(self):
        started = time.monotonic()
        with self.assertRaises(TimeoutError) as raised:
            connect("silent", timeout=1.0)
        elapsed = time.monotonic() - started
        self.assertIsInstance(raised.exception, socket.timeout)
        self.assertLess(elapsed, 5.0)
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertIn("handshake", str(raised.exception))

    @case("broker_stopped")
    def test_broker_stopped(self):
        doomed = ENV["doomedBroker"]
        tls = connect("nginx", broker=doomed["target"])
        try:
            self.assertIsNotNone(tls.version())
            os.kill(doomed["pid"], signal.SIGKILL)
            started = time.monotonic()
            with self.assertRaises(ConnectionError) as raised:
                tls.recv(1024)
            self.assertLess(time.monotonic() - started, 10.0)
            self.assertIsInstance(raised.exception, tlsbroker.BrokerUnavailableError)
            self.assertIn(doomed["target"], str(raised.exception))
        finally:
            tls.close()

    @case("broker_unreachable")
    def test_broker_unreachable(self):
        target = ENV["unreachableBroker"]["target"]
        started = time.monotonic()
        with self.assertRaises(ConnectionError) as raised:
            connect("nginx", broker=target)
        self.assertLess(time.monotonic() - started, 10.0)
        self.assertIsInstance(raised.exception, tlsbroker.BrokerUnavailableError)
        self.assertIn(target, str(raised.exception))
        self.assertIn("unavailable", str(raised.exception))

    @case("resumption")
    def test_resumption(self):
        nginx = peer("nginx")
        cache = tlsbroker.SessionCache()
        reused = []
        for _ in range(2):
            with connect("nginx", session_cache=cache) as tls:
                http_get(tls, nginx["helloPath"], nginx["serverName"], close=False)
                status, body = read_http_body(tls)
                self.assertEqual((status, body), (200, nginx["helloBody"].encode()))
                reused.append(tls.session_reused)
        self.assertEqual(reused, [False, True])

    @case("https_fetch")
    def test_https_fetch(self):
        nginx = peer("nginx")
        url = f"https://{nginx['serverName']}:{nginx['port']}{nginx['helloPath']}"
        opener = tlsbroker.build_opener(broker=ENV["broker"]["target"], session_cache=None)
        with opener.open(url, timeout=CASE_TIMEOUT) as response:
            self.assertEqual(response.status, 200)
            self.assertEqual(response.read().decode(), nginx["helloBody"])


if __name__ == "__main__":
    unittest.main()
