"""BrokerSocket: what code written for ssl.SSLSocket uses, over (your socket + a broker session)."""

from __future__ import annotations

import collections
import concurrent.futures
import errno
import io
import logging
import os
import selectors
import socket
import ssl
import tempfile
import threading
import time
import weakref
from typing import Optional, Sequence

from . import _errors
from ._broker import Broker, PipelinedCall
from ._cache import SessionCache
from .v1 import broker_pb2

log = logging.getLogger("tlsbroker")

DEFAULT_TIMEOUT = 30.0
# Without the broker's announced limit (SessionInfo), stay under any sane MaxMessageBytes.
_FALLBACK_MESSAGE_BYTES = 64 * 1024
# Room for the protobuf and gRPC framing around a payload.
_FRAMING_BYTES = 1024
_MAX_WRITE_BYTES = 1 << 20
_MAX_READ_BYTES = 256 * 1024
# Writes in flight before sendall waits for the oldest: keeps the broker busy while an answer
# travels back, without queueing unbounded plaintext.
_WRITE_WINDOW = 8
# Received requests in flight while the socket has more bytes ready (see _advance_read).
_READ_WINDOW = 4
# How long close() waits for the broker to take the close_notify and end the call.
_CLOSE_BOUND = 5.0


def _cipher_bits(suite: str) -> int:
    if "CHACHA20" in suite or "AES_256" in suite:
        return 256
    if "AES_128" in suite:
        return 128
    return 0


class BrokerSocket:
    """A TLS client socket whose TLS runs in the broker; behaves like ssl.SSLSocket for clients.

    One reader and one writer may use it at the same time (from two threads). Timeouts follow
    the socket's: ``settimeout(t)`` bounds every socket read and write and every wait for the
    broker (a blocking socket, ``None``, still bounds broker waits by 30 s); 0 makes reads raise
    ssl.SSLWantReadError when no data is ready.
    """

    def __init__(self, sock: socket.socket, *, broker: Broker, server_hostname: str, policy: str,
                 alpn_protocols: Sequence[str], timeout: Optional[float],
                 session_cache: Optional[SessionCache], suppress_ragged_eofs: bool, context=None) -> None:
        if not server_hostname:
            raise ValueError("server_hostname is required: the broker verifies the certificate against it")
        if sock.type != socket.SOCK_STREAM:
            raise NotImplementedError("only stream sockets are supported")
        self._sock = sock
        self._broker = broker
        self.server_hostname = server_hostname
        self.server_side = False
        self.context = context
        self._policy = policy or ""
        self._alpn = list(alpn_protocols or ())
        self._cache = session_cache
        self._cache_key = (broker.target, self._policy, server_hostname)
        self.suppress_ragged_eofs = suppress_ragged_eofs
        self._timeout = timeout
        self._sock.settimeout(self._raw_timeout())

        self._call: Optional[PipelinedCall] = None
        self._selector: Optional[selectors.BaseSelector] = None
        self._established = None
        self._session_id = ""
        self._payload_limit = _FALLBACK_MESSAGE_BYTES - _FRAMING_BYTES

        self._state = threading.Lock()
        # Decrypted bytes not read yet: chunks as the broker sent them, and their total length.
        self._plaintext: collections.deque = collections.deque()
        self._plaintext_bytes = 0
        self._peer_closed = False
        self._tls_failure: Optional[BaseException] = None
        self._shutdown_sent = False

        self._handshake_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._writes: collections.deque = collections.deque()
        self._reads: collections.deque = collections.deque()
        self._eof_sent = False

        self._io_refs = 0
        self._closed = False
        self._detached = False

    # ---- ssl.SSLSocket surface -------------------------------------------------------------

    def do_handshake(self) -> None:
        """Runs the handshake through the broker (SSL_connect), within the timeout."""
        with self._handshake_lock:
            if self._established is not None:
                return
            self._check_usable()
            try:
                self._handshake()
            except BaseException:
                if self._call is not None:
                    self._call.fail(OSError("the handshake failed"))
                raise

    def version(self) -> Optional[str]:
        """The protocol version, as OpenSSL names it ("TLSv1.3"); None before the handshake."""
        return self._established.protocol_version if self._established else None

    def cipher(self):
        """(IANA cipher suite name, protocol version, secret bits); None before the handshake."""
        e = self._established
        return (e.cipher_suite, e.protocol_version, _cipher_bits(e.cipher_suite)) if e else None

    def shared_ciphers(self):
        return None

    def compression(self):
        return None

    def selected_alpn_protocol(self) -> Optional[str]:
        return (self._established.alpn or None) if self._established else None

    def selected_npn_protocol(self) -> None:
        return None

    @property
    def group(self) -> Optional[str]:
        """The key-exchange group (IANA name, e.g. "x25519"); None before the handshake."""
        return self._established.group if self._established else None

    @property
    def session_reused(self) -> bool:
        """True when the handshake resumed an earlier session (through the session cache)."""
        return bool(self._established and self._established.resumed)

    @property
    def session_id(self) -> str:
        """The broker's id for this session (for logs and audit correlation); empty if it sent none."""
        return self._session_id

    @property
    def peer_certificates(self) -> list:
        """The server's chain as sent, DER, its own certificate first (what the broker verified)."""
        return list(self._established.peer_certificates) if self._established else []

    def getpeercert(self, binary_form: bool = False):
        """The server's certificate: DER bytes with ``binary_form``, else the ssl module's dict form."""
        if self._established is None:
            raise ValueError("handshake not done yet")
        chain = self._established.peer_certificates
        if not chain:
            return None
        if binary_form:
            return bytes(chain[0])
        return _decode_certificate(bytes(chain[0]))

    def get_channel_binding(self, cb_type: str = "tls-unique"):
        # The broker holds the TLS state; no channel binding value leaves it.
        return None

    def pending(self) -> int:
        """Decrypted bytes ready to read without touching the socket or the broker."""
        with self._state:
            return self._plaintext_bytes

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        if flags:
            raise ValueError("non-zero flags not allowed in calls to recv() on BrokerSocket")
        return self._read(buflen)

    def recv_into(self, buffer, nbytes: Optional[int] = None, flags: int = 0) -> int:
        if flags:
            raise ValueError("non-zero flags not allowed in calls to recv_into() on BrokerSocket")
        view = memoryview(buffer).cast("B")
        nbytes = len(view) if not nbytes else min(nbytes, len(view))
        data = self._read(nbytes)
        view[:len(data)] = data
        return len(data)

    def read(self, len: int = 1024, buffer=None):
        if buffer is not None:
            return self.recv_into(buffer, len)
        return self._read(len)

    def send(self, data, flags: int = 0) -> int:
        """Hands up to one message's worth of ``data`` to the broker; returns how much it took."""
        if flags:
            raise ValueError("non-zero flags not allowed in calls to send() on BrokerSocket")
        view = memoryview(data).cast("B")
        taken = view[:self._payload_limit]
        self._write(taken)
        return len(taken)

    write = send

    def sendall(self, data, flags: int = 0) -> None:
        """Encrypts and sends all of ``data``. Like a socket's send buffer, it may return while the
        last writes are still in flight; a failure of one of them raises from a later call."""
        if flags:
            raise ValueError("non-zero flags not allowed in calls to sendall() on BrokerSocket")
        self._write(memoryview(data).cast("B"))

    def makefile(self, mode: str = "r", buffering: Optional[int] = None, *, encoding=None, errors=None,
                 newline=None):
        """A file object over the TLS session, as socket.makefile gives (http.client reads with it)."""
        if not set(mode) <= {"r", "w", "b"}:
            raise ValueError(f"invalid mode {mode!r} (only r, w, b allowed)")
        writing = "w" in mode
        reading = "r" in mode or not writing
        binary = "b" in mode
        raw = socket.SocketIO(self, ("r" if reading else "") + ("w" if writing else ""))
        self._io_refs += 1
        if buffering is None or buffering < 0:
            buffering = io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if not binary:
                raise ValueError("unbuffered streams must be binary")
            return raw
        if reading and writing:
            buffered = io.BufferedRWPair(raw, raw, buffering)
        elif reading:
            buffered = io.BufferedReader(raw, buffering)
        else:
            buffered = io.BufferedWriter(raw, buffering)
        if binary:
            return buffered
        text = io.TextIOWrapper(buffered, io.text_encoding(encoding), errors, newline)
        text.mode = mode
        return text

    def unwrap(self) -> socket.socket:
        """Sends close_notify, waits for the server's, and returns the plain socket (as
        ssl.SSLSocket.unwrap); this object is unusable afterwards."""
        self._check_usable()
        self._flush_writes()
        self._send_close_notify(self._timeout_or_default())
        with self._read_lock:
            while True:
                with self._state:
                    if self._tls_failure is not None:
                        raise self._tls_failure
                    if self._peer_closed:
                        break
                    self._plaintext.clear()
                    self._plaintext_bytes = 0
                self._advance_read()
        self._end_call(self._timeout_or_default())
        self._detached = True
        sock, self._sock = self._sock, None
        sock.settimeout(self._timeout)
        return sock

    def shutdown(self, how: int) -> None:
        """SHUT_WR sends close_notify and keeps the read side (a TLS half-close: read the server's
        answer, then EOF); SHUT_RDWR also shuts the TCP connection; SHUT_RD only the TCP read side."""
        self._check_usable()
        if how in (socket.SHUT_WR, socket.SHUT_RDWR) and self._established is not None:
            self._flush_writes()
            self._send_close_notify(self._timeout_or_default())
        if how != socket.SHUT_WR:
            self._raw_socket().shutdown(how)

    def close(self) -> None:
        """Sends close_notify (when the session is still open), ends the broker session and closes
        the socket; with makefile() objects still open, waits until they are closed."""
        if self._closed:
            return
        self._closed = True
        if self._io_refs <= 0:
            self._real_close()

    def detach(self) -> int:
        """Ends the broker session without close_notify and returns the socket's file descriptor."""
        self._closed = True
        self._detached = True
        self._end_call(0.5)
        fd = self._sock.detach()
        self._sock = None
        return fd

    def _decref_socketios(self) -> None:
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed and self._io_refs <= 0:
            self._real_close()

    def __enter__(self) -> "BrokerSocket":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True) and getattr(self, "_call", None) is not None:
            self._call.fail(OSError("the BrokerSocket was garbage-collected without close()"))

    def __repr__(self) -> str:
        state = "closed" if self._closed else (self.version() or "not connected")
        return f"<BrokerSocket {self.server_hostname!r} via {self._broker.target} {state} session={self._session_id!r}>"

    # Plain socket surface, delegated.
    def fileno(self) -> int:
        return self._sock.fileno() if self._sock is not None else -1

    def settimeout(self, value: Optional[float]) -> None:
        self._timeout = value
        self._raw_socket().settimeout(self._raw_timeout())

    def gettimeout(self) -> Optional[float]:
        return self._timeout

    def setblocking(self, flag: bool) -> None:
        self.settimeout(None if flag else 0.0)

    def getblocking(self) -> bool:
        return self._timeout != 0.0

    def getpeername(self):
        return self._raw_socket().getpeername()

    def getsockname(self):
        return self._raw_socket().getsockname()

    def setsockopt(self, *args):
        return self._raw_socket().setsockopt(*args)

    def getsockopt(self, *args):
        return self._raw_socket().getsockopt(*args)

    @property
    def family(self):
        return self._raw_socket().family

    @property
    def type(self):
        return self._raw_socket().type

    @property
    def proto(self):
        return self._raw_socket().proto

    # ---- handshake -------------------------------------------------------------------------

    def _handshake(self) -> None:
        deadline = time.monotonic() + self._timeout_or_default()
        token = self._cache.get(self._cache_key) if self._cache is not None else None
        # A weak reference: the pump thread must not keep a forgotten BrokerSocket alive, so that
        # its __del__ can still cancel the call and free the broker's session.
        on_response = weakref.WeakMethod(self._on_response)
        self._call = self._broker._open_call(
            self._sock, self.server_hostname, lambda response: _call_if_alive(on_response, response))
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._sock, selectors.EVENT_READ)
        self._selector.register(self._call.wake_fd, selectors.EVENT_READ)
        start = broker_pb2.Start(policy=self._policy, server_name=self.server_hostname, alpn=self._alpn,
                                 resumption_token=token or b"")
        response = self._await(self._call.send(broker_pb2.ConnectRequest(start=start)), deadline, "handshake")
        self._take_session_info(response)
        while not (response.ret == 1 and response.HasField("established")):
            if response.error != broker_pb2.SSL_ERROR_WANT_READ:
                raise _errors.tls_error(response, operation="handshake", server_name=self.server_hostname,
                                        session_id=self._session_id)
            data = self._read_socket(min(self._payload_limit, _MAX_READ_BYTES), deadline, "handshake")
            request = broker_pb2.ConnectRequest(received=broker_pb2.Received(data=data, eof=not data))
            response = self._await(self._call.send(request), deadline, "handshake")
        self._established = response.established
        if token is not None and not self._established.resumed:
            log.debug("session %s: the broker did not resume the cached session; full handshake", self._session_id)
        log.debug("session %s: %s %s alpn=%r resumed=%s with %s", self._session_id,
                  self._established.protocol_version, self._established.cipher_suite, self._established.alpn,
                  self._established.resumed, self.server_hostname)

    def _take_session_info(self, response) -> None:
        # ConnectResponse.session is newer than some brokers: without it, no limit is known.
        if "session" in response.DESCRIPTOR.fields_by_name and response.HasField("session"):
            self._session_id = response.session.id
            if response.session.max_message_bytes > 0:
                self._payload_limit = max(1024, min(response.session.max_message_bytes - _FRAMING_BYTES,
                                                    _MAX_WRITE_BYTES))
        log.debug("session %s started with %s through %s (policy %r)", self._session_id or "?",
                  self.server_hostname, self._broker.target, self._policy)

    # ---- data phase ------------------------------------------------------------------------

    def _on_response(self, response) -> None:
        """Runs on the pump thread, in response order, before the request's future resolves."""
        if response.resumption_token and self._cache is not None:
            self._cache.put(self._cache_key, response.resumption_token)
        with self._state:
            if response.plaintext:
                self._plaintext.append(response.plaintext)
                self._plaintext_bytes += len(response.plaintext)
            if response.ret <= 0 and self._established is not None:
                if response.error == broker_pb2.SSL_ERROR_ZERO_RETURN:
                    self._peer_closed = True
                elif response.error in (broker_pb2.SSL_ERROR_SSL, broker_pb2.SSL_ERROR_SYSCALL) \
                        and self._tls_failure is None:
                    self._tls_failure = _errors.tls_error(response, operation="read", server_name=self.server_hostname,
                                                          session_id=self._session_id)

    def _read(self, size: int) -> bytes:
        self._ensure_handshake()
        if size <= 0:
            return b""
        with self._read_lock:
            while True:
                with self._state:
                    if self._plaintext:
                        return self._take_plaintext(size)
                    failure, peer_closed = self._tls_failure, self._peer_closed
                if failure is not None:
                    if self.suppress_ragged_eofs and isinstance(failure, ssl.SSLEOFError):
                        return b""
                    raise failure
                if peer_closed:
                    return b""
                self._advance_read()

    def _take_plaintext(self, size: int) -> bytes:
        """Up to ``size`` bytes from the front of the plaintext (the caller holds _state)."""
        chunk = self._plaintext.popleft()
        if len(chunk) > size:
            # A memoryview keeps the rest without copying it: small reads of a big chunk stay linear.
            view = memoryview(chunk)
            self._plaintext.appendleft(view[size:])
            chunk = view[:size]
        self._plaintext_bytes -= len(chunk)
        return chunk if isinstance(chunk, bytes) else bytes(chunk)

    def _advance_read(self) -> None:
        """One step of the read pipeline: while the socket has bytes ready, up to _READ_WINDOW
        Received requests go to the broker before the oldest is answered, so that it decrypts one
        while the next crosses the network; the answers' plaintext and outcome land in the session
        state in order (see _on_response)."""
        reads = self._reads
        if reads and reads[0].done():
            self._await(reads.popleft(), self._broker_deadline(), "read")
            return
        if not self._eof_sent and len(reads) < _READ_WINDOW:
            size = min(self._payload_limit, _MAX_READ_BYTES)
            if reads:
                data = self._read_socket_ready(size)
            else:
                deadline = None if self._timeout is None else time.monotonic() + self._timeout
                data = self._read_socket(size, deadline, "read")
            if data is not None:
                self._eof_sent = not data
                request = broker_pb2.ConnectRequest(received=broker_pb2.Received(data=data, eof=not data))
                reads.append(self._call.send(request))
                return
        if reads:
            self._await(reads.popleft(), self._broker_deadline(), "read")
            return
        raise _errors.BrokerError(f"TLS broker at {self._broker.target} answered the end of the stream from "
                                  f"{self.server_hostname!r} with no outcome", target=self._broker.target)

    def _write(self, view: memoryview) -> None:
        self._ensure_handshake()
        with self._write_lock:
            self._check_writable()
            for offset in range(0, len(view), self._payload_limit):
                chunk = bytes(view[offset:offset + self._payload_limit])
                request = broker_pb2.ConnectRequest(write=broker_pb2.Write(plaintext=chunk))
                self._writes.append((self._call.send(request), len(chunk)))
                while len(self._writes) > _WRITE_WINDOW or (self._writes and self._writes[0][0].done()):
                    self._settle_write(*self._writes.popleft())

    def _settle_write(self, answer, expected: int) -> None:
        deadline = self._broker_deadline()
        response = self._await(answer, deadline, "write")
        self._await_flushed(answer, deadline, "write")
        if response.ret != expected:
            failure = _errors.tls_error(response, operation="write", server_name=self.server_hostname,
                                        session_id=self._session_id)
            with self._state:
                if self._tls_failure is None and not isinstance(failure, ssl.SSLZeroReturnError):
                    self._tls_failure = failure
            raise failure

    def _flush_writes(self) -> None:
        with self._write_lock:
            while self._writes:
                self._settle_write(*self._writes.popleft())

    def _check_writable(self) -> None:
        self._check_usable()
        with self._state:
            failure = self._tls_failure
            shutdown_sent = self._shutdown_sent
        if failure is not None:
            raise failure
        if shutdown_sent:
            raise _errors.BrokerZeroReturnError(
                ssl.SSL_ERROR_ZERO_RETURN, "[SSL: PROTOCOL_IS_SHUTDOWN] the TLS session was shut down (close_notify sent)",
                reason="PROTOCOL_IS_SHUTDOWN", ssl_error="SSL_ERROR_ZERO_RETURN", session_id=self._session_id)
        self._check_call()

    # ---- closing ---------------------------------------------------------------------------

    def _send_close_notify(self, bound: float) -> None:
        with self._state:
            if self._shutdown_sent or self._tls_failure is not None or self._established is None:
                return
            self._shutdown_sent = True
        request = broker_pb2.ConnectRequest(shutdown=broker_pb2.Shutdown())
        answer = self._call.send(request)
        response = self._await(answer, time.monotonic() + bound, "shutdown")
        self._await_flushed(answer, time.monotonic() + bound, "shutdown")
        if response.ret < 0:
            raise _errors.tls_error(response, operation="shutdown", server_name=self.server_hostname,
                                    session_id=self._session_id)

    def _real_close(self) -> None:
        if self._detached or self._sock is None:
            return
        bound = min(self._timeout_or_default(), _CLOSE_BOUND)
        try:
            if self._call is not None and self._call.failure is None:
                self._flush_writes()
                self._send_close_notify(bound)
        except (OSError, ValueError) as e:
            log.debug("session %s: no close_notify on close: %s", self._session_id, e)
        self._end_call(bound)
        self._sock.close()

    def _end_call(self, bound: float) -> None:
        if self._call is not None:
            self._call.complete(bound)
        if self._selector is not None:
            self._selector.close()
            self._selector = None

    # ---- helpers ---------------------------------------------------------------------------

    def _ensure_handshake(self) -> None:
        self._check_usable()
        if self._established is None:
            self.do_handshake()

    def _check_usable(self) -> None:
        if self._detached or (self._closed and self._io_refs <= 0) or self._sock is None:
            raise OSError(errno.EBADF, "Bad file descriptor (the TLS socket is closed)")

    def _check_call(self) -> None:
        failure = self._call.failure if self._call is not None else None
        if failure is not None:
            raise failure

    def _raw_socket(self) -> socket.socket:
        if self._sock is None:
            raise OSError(errno.EBADF, "Bad file descriptor (the TLS socket is closed)")
        return self._sock

    def _raw_timeout(self) -> float:
        # Reads wait in a selector with the caller's timeout; the socket's own timeout bounds the
        # writer thread's sends, which must block (bounded) even when the caller asked for
        # non-blocking reads or none at all.
        return self._timeout_or_default()

    def _timeout_or_default(self) -> float:
        return self._timeout if self._timeout else DEFAULT_TIMEOUT

    def _broker_deadline(self) -> float:
        return time.monotonic() + self._timeout_or_default()

    def _await(self, answer, deadline: float, operation: str):
        remaining = max(0.0, deadline - time.monotonic())
        try:
            return answer.result(timeout=remaining)
        except concurrent.futures.TimeoutError:
            # The answer may still come, but nothing can be matched to the requests after it.
            failure = socket.timeout(f"the TLS {operation} with {self.server_hostname!r} timed out: "
                                     f"the broker at {self._broker.target} did not answer in time")
            self._call.fail(failure)
            raise failure from None

    def _await_flushed(self, answer, deadline: float, operation: str) -> None:
        if not self._call.wait_flushed(answer.seq, max(0.0, deadline - time.monotonic())):
            failure = socket.timeout(f"the TLS {operation} with {self.server_hostname!r} timed out: "
                                     "the server did not take the data in time")
            self._call.fail(failure)
            raise failure

    def _read_socket_ready(self, size: int) -> Optional[bytes]:
        """What the socket has right now (b"" at EOF), or None when nothing is ready."""
        events = self._select(0)
        self._check_call()
        if any(key.fileobj is not self._sock for key, _ in events):
            raise OSError(errno.EBADF, "Bad file descriptor (the TLS socket was closed while reading)")
        if not any(key.fileobj is self._sock for key, _ in events):
            return None
        try:
            return self._sock.recv(size)
        except BlockingIOError:
            return None

    def _select(self, timeout: Optional[float]):
        # close() from another thread drops and closes the selector while a reader may be about to
        # wait on it: that reader gets the error a closed socket gives, not an AttributeError.
        selector = self._selector
        try:
            if selector is None:
                raise ValueError("selector closed")
            return selector.select(timeout)
        except (OSError, ValueError) as closed:
            raise OSError(errno.EBADF, "Bad file descriptor (the TLS socket was closed while reading)") from closed

    def _read_socket(self, size: int, deadline: Optional[float], operation: str) -> bytes:
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            events = self._select(remaining)
            self._check_call()
            if any(key.fileobj is not self._sock for key, _ in events):
                raise OSError(errno.EBADF, "Bad file descriptor (the TLS socket was closed while reading)")
            if events:
                try:
                    return self._sock.recv(size)
                except BlockingIOError:
                    continue
            if self._timeout == 0.0 and operation == "read":
                raise ssl.SSLWantReadError(ssl.SSL_ERROR_WANT_READ, "The operation did not complete (read)")
            failure = socket.timeout(f"the TLS {operation} with {self.server_hostname!r} timed out "
                                     f"(no data from the server within {self._timeout_or_default():g} s)")
            if operation == "handshake":
                self._call.fail(failure)
            raise failure


def _call_if_alive(method: weakref.WeakMethod, response) -> None:
    bound = method()
    if bound is not None:
        bound(response)


def _decode_certificate(der: bytes) -> dict:
    """The ssl module's dict form of a certificate, from the decoder it uses for getpeercert()."""
    pem = ssl.DER_cert_to_PEM_cert(der)
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as f:
        f.write(pem)
    try:
        return ssl._ssl._test_decode_cert(f.name)  # type: ignore[attr-defined]
    finally:
        os.unlink(f.name)
