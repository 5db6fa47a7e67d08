"""BrokerContext (as ssl.SSLContext) and the module-level wrap_socket."""

from __future__ import annotations

import socket
import ssl
from typing import Iterable, Optional, Union

from ._broker import Broker, shared_broker
from ._cache import SessionCache, default_session_cache
from ._socket import BrokerSocket

_UNSET = object()


class BrokerContext:
    """What ssl.SSLContext is for a client, with the TLS in the broker: which broker, which policy
    (the broker's trust and version settings), which ALPN protocols, which session cache.

    ``broker`` is a :class:`Broker` or a target string (``host:port``, ``http://…``); a string shares
    one channel per target across the process. ``session_cache`` defaults to the process-wide
    ``tlsbroker.default_session_cache``; pass ``None`` to never resume. ``timeout`` applies when the
    socket has none of its own (default 30 s).
    """

    # The broker always verifies the chain and the name: there is no way to turn it off here.
    verify_mode = ssl.CERT_REQUIRED
    # Read by http.client.HTTPSConnection, which may take a BrokerContext as its context.
    post_handshake_auth = None

    @property
    def check_hostname(self) -> bool:
        return True

    @check_hostname.setter
    def check_hostname(self, value: bool) -> None:
        if not value:
            raise ValueError("the broker always checks the server name: check_hostname cannot be turned off")

    def __init__(self, broker: Union[Broker, str, None] = None, *, policy: str = "",
                 alpn_protocols: Optional[Iterable[str]] = None, timeout: Optional[float] = None,
                 session_cache: Union[SessionCache, None, object] = _UNSET, api_key: Optional[str] = None,
                 suppress_ragged_eofs: bool = False) -> None:
        if isinstance(broker, Broker):
            if api_key is not None:
                raise ValueError("api_key belongs to the Broker object when one is given")
            self.broker = broker
        else:
            self.broker = shared_broker(broker, api_key)
        self.policy = policy or ""
        self.alpn_protocols = list(alpn_protocols or ())
        self.timeout = timeout
        self.session_cache = default_session_cache if session_cache is _UNSET else session_cache
        self.suppress_ragged_eofs = suppress_ragged_eofs

    def set_alpn_protocols(self, alpn_protocols: Iterable[str]) -> None:
        self.alpn_protocols = list(alpn_protocols)

    def wrap_socket(self, sock: socket.socket, server_side: bool = False, do_handshake_on_connect: bool = True,
                    suppress_ragged_eofs: Optional[bool] = None, server_hostname: Optional[str] = None,
                    session=None, *, timeout: Optional[float] = None) -> BrokerSocket:
        """Wraps a connected TCP socket; with ``do_handshake_on_connect`` the handshake runs now,
        and on failure the socket is closed and the error raised (as ssl.SSLContext.wrap_socket)."""
        if server_side:
            raise ValueError("the broker is a TLS client only: server_side is not supported")
        if session is not None:
            raise ValueError("pass a SessionCache to the BrokerContext instead of session=")
        if timeout is None:
            timeout = sock.gettimeout()
        if timeout is None:
            timeout = self.timeout
        wrapped = BrokerSocket(
            sock, broker=self.broker, server_hostname=server_hostname or "", policy=self.policy,
            alpn_protocols=self.alpn_protocols, timeout=timeout, session_cache=self.session_cache,
            suppress_ragged_eofs=self.suppress_ragged_eofs if suppress_ragged_eofs is None else suppress_ragged_eofs,
            context=self)
        if do_handshake_on_connect:
            try:
                wrapped.do_handshake()
            except BaseException:
                wrapped.close()
                raise
        return wrapped

    def __repr__(self) -> str:
        return f"BrokerContext({self.broker!r}, policy={self.policy!r}, alpn={self.alpn_protocols!r})"


def wrap_socket(sock: socket.socket, *, server_hostname: str, policy: str = "",
                broker: Union[Broker, str, None] = None, alpn_protocols: Optional[Iterable[str]] = None,
                timeout: Optional[float] = None, session_cache: Union[SessionCache, None, object] = _UNSET,
                api_key: Optional[str] = None, do_handshake_on_connect: bool = True,
                suppress_ragged_eofs: bool = False) -> BrokerSocket:
    """Wraps a connected TCP socket in TLS done by the broker: ``ssl.wrap_socket`` for TlsBroker.

    ``timeout`` bounds the handshake and every later wait (default: the socket's own timeout, else
    30 s). Raises ssl.SSLError subclasses for TLS failures, BrokerUnavailableError (a
    ConnectionError) when the broker cannot be reached, BrokerPermissionError for a policy the
    broker refuses, socket.timeout when time runs out.
    """
    context = BrokerContext(broker, policy=policy, alpn_protocols=alpn_protocols, timeout=timeout,
                            session_cache=session_cache, api_key=api_key, suppress_ragged_eofs=suppress_ragged_eofs)
    return context.wrap_socket(sock, server_hostname=server_hostname, do_handshake_on_connect=do_handshake_on_connect,
                               timeout=timeout)
