"""The gRPC side: a Broker (one channel, reused by every session) and one pipelined Connect call."""

from __future__ import annotations

import collections
import concurrent.futures
import os
import queue
import socket
import threading
from typing import Callable, Optional, Sequence, Tuple

import grpc

from . import _errors
from .v1 import broker_pb2, broker_pb2_grpc

DEFAULT_TARGET = "127.0.0.1:5001"
_USER_AGENT = "tlsbroker-python"


class Broker:
    """A TLS broker endpoint: one gRPC channel that every session through it shares.

    ``target`` is ``host:port``, ``http://host:port`` (plaintext h2c) or ``https://host:port``
    (TLS to the broker, trusting ``root_certificates`` PEM bytes, or the system roots when None;
    ``private_key``/``certificate_chain`` PEM bytes add a client certificate). ``api_key`` is sent
    as ``authorization: Bearer <key>`` on every call. Default target: ``$TLSBROKER_TARGET``, else
    127.0.0.1:5001.
    """

    def __init__(self, target: Optional[str] = None, *, api_key: Optional[str] = None,
                 root_certificates: Optional[bytes] = None, private_key: Optional[bytes] = None,
                 certificate_chain: Optional[bytes] = None,
                 options: Sequence[Tuple[str, object]] = ()) -> None:
        target = target or os.environ.get("TLSBROKER_TARGET") or DEFAULT_TARGET
        secure = target.startswith("https://") or root_certificates is not None or certificate_chain is not None
        address = target.split("://", 1)[1] if "://" in target else target
        self.target = address.rstrip("/")
        channel_options = [("grpc.primary_user_agent", _USER_AGENT),
                           ("grpc.max_receive_message_length", 64 << 20),
                           ("grpc.max_send_message_length", 64 << 20), *options]
        if secure:
            credentials = grpc.ssl_channel_credentials(root_certificates, private_key, certificate_chain)
            self._channel = grpc.secure_channel(self.target, credentials, options=channel_options)
        else:
            self._channel = grpc.insecure_channel(self.target, options=channel_options)
        self._stub = broker_pb2_grpc.BrokerServiceStub(self._channel)
        self._metadata = (("authorization", f"Bearer {api_key}"),) if api_key else ()

    def __repr__(self) -> str:
        # The API key is a secret: never part of a repr, log line or exception.
        return f"Broker({self.target!r}, api_key={'<set>' if self._metadata else None})"

    def close(self) -> None:
        """Closes the channel; sessions still open through it fail with BrokerUnavailableError."""
        self._channel.close()

    def __enter__(self) -> "Broker":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _open_call(self, sock: socket.socket, server_name: str,
                   on_response: Callable[[broker_pb2.ConnectResponse], None]) -> "PipelinedCall":
        return PipelinedCall(self._stub, self._metadata, self.target, server_name, sock, on_response)


_shared_lock = threading.Lock()
_shared: dict = {}


def shared_broker(target: Optional[str], api_key: Optional[str]) -> Broker:
    """The process-wide Broker for a target and API key: channels are costly to set up, so reuse them."""
    key = (target or os.environ.get("TLSBROKER_TARGET") or DEFAULT_TARGET, api_key)
    with _shared_lock:
        broker = _shared.get(key)
        if broker is None:
            broker = _shared[key] = Broker(key[0], api_key=api_key)
        return broker


class PipelinedCall:
    """One Connect stream. The broker answers every request with exactly one response, in order,
    so a request may be sent before the earlier ones are answered: each response belongs to the
    oldest request still unanswered. A pump thread reads the responses, hands each to
    ``on_response`` and resolves its request's future; a writer thread writes the responses'
    records to the socket in the order the broker produced them (TLS sequence numbers, RFC 8446
    §5.3). The two are apart so that a reader never waits for the socket's send side: with a peer
    that echoes, a pump blocked on a full send buffer would stop the reads that drain it.
    """

    def __init__(self, stub, metadata, target: str, server_name: str, sock: socket.socket,
                 on_response: Callable[[broker_pb2.ConnectResponse], None]) -> None:
        self.target = target
        self._server_name = server_name
        self._sock = sock
        self._on_response = on_response
        self._lock = threading.Lock()
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._unanswered: collections.deque = collections.deque()
        self._failure: Optional[BaseException] = None
        self._completed = False
        self._sent = 0
        self._outgoing: queue.SimpleQueue = queue.SimpleQueue()
        self._flushed = -1
        self._flushed_changed = threading.Condition(self._lock)
        # Written to when the call fails, so that a wait on the socket wakes up at once.
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._call = stub.Connect(self._request_stream(), metadata=metadata)
        self._pump = threading.Thread(target=self._pump_responses, name="tlsbroker-pump", daemon=True)
        self._pump.start()
        self._writer = threading.Thread(target=self._write_records, name="tlsbroker-writer", daemon=True)
        self._writer.start()

    @property
    def wake_fd(self) -> socket.socket:
        """Readable once the call failed or is being completed."""
        return self._wake_reader

    @property
    def failure(self) -> Optional[BaseException]:
        with self._lock:
            return self._failure

    def send(self, request: broker_pb2.ConnectRequest) -> concurrent.futures.Future:
        """Queues ``request``; the future resolves to its response (its records are then queued for
        the socket: ``wait_flushed(future.seq, …)`` waits until they are written)."""
        answer: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._completed:
                raise OSError("the broker session is closed")
            answer.seq = self._sent
            self._sent += 1
            self._unanswered.append(answer)
            self._requests.put(request)
        return answer

    def wait_flushed(self, seq: int, timeout: Optional[float]) -> bool:
        """Waits until the records of response ``seq`` (and all before) are written to the socket;
        raises the call's failure, returns False on timeout."""
        with self._lock:
            done = self._flushed_changed.wait_for(lambda: self._flushed >= seq or self._failure is not None, timeout)
            if self._failure is not None and self._flushed < seq:
                raise self._failure
            return done

    def fail(self, failure: BaseException) -> None:
        """Ends the call with ``failure`` (the first one wins): pending and later requests raise it,
        and the broker frees the session at once (the call is cancelled)."""
        with self._lock:
            if self._failure is None:
                self._failure = failure
            pending = list(self._unanswered)
            self._unanswered.clear()
            self._completed = True
            self._flushed_changed.notify_all()
        self._requests.put(None)
        self._outgoing.put(None)
        self._call.cancel()
        for answer in pending:
            if not answer.done():
                answer.set_exception(self._failure)
        self._wake()

    def complete(self, timeout: float) -> None:
        """Half-closes the request stream and waits up to ``timeout`` for the broker to end the call;
        cancels it if the broker does not."""
        with self._lock:
            self._completed = True
        # A reader still waiting on the socket in another thread stops now (see wake_fd).
        self._wake()
        self._requests.put(None)
        self._pump.join(timeout)
        if self._pump.is_alive():
            self.fail(OSError("the broker session is closed"))
            self._pump.join(timeout)
        self._outgoing.put(None)
        self._writer.join(timeout)
        self._wake_reader.close()
        self._wake_writer.close()

    def _request_stream(self):
        while True:
            request = self._requests.get()
            if request is None:
                return
            yield request

    def _wake(self) -> None:
        try:
            self._wake_writer.send(b"!")
        except OSError:
            pass

    def _pump_responses(self) -> None:
        try:
            for response in self._call:
                with self._lock:
                    answer = self._unanswered.popleft() if self._unanswered else None
                if answer is None:
                    self.fail(_errors.BrokerError(f"TLS broker at {self.target} sent a response nobody asked for",
                                                  target=self.target))
                    return
                self._outgoing.put((answer.seq, response.records_to_send))
                self._on_response(response)
                answer.set_result(response)
            with self._lock:
                unanswered = len(self._unanswered)
            if unanswered:
                self.fail(_errors.BrokerUnavailableError(
                    f"TLS broker at {self.target} ended the session with {unanswered} request(s) unanswered",
                    target=self.target))
        except grpc.RpcError as e:
            with self._lock:
                cancelled_by_us = self._failure is not None
            if not cancelled_by_us:
                self.fail(_errors.rpc_error(e, self.target, self._server_name))
        except BaseException as e:  # the pump must never die silently: every waiter would hang
            self.fail(e)

    def _write_records(self) -> None:
        try:
            while True:
                item = self._outgoing.get()
                if item is None:
                    return
                seq, records = item
                if records:
                    self._sock.sendall(records)
                with self._lock:
                    self._flushed = seq
                    self._flushed_changed.notify_all()
        except BaseException as e:  # a socket failure ends the session: nothing later can reach the server
            self.fail(e)
