"""http.client and urllib.request through the broker."""

from __future__ import annotations

import http.client
import socket
import urllib.request
from typing import Optional

from ._context import BrokerContext


class HTTPSConnection(http.client.HTTPConnection):
    """http.client.HTTPSConnection with the TLS done by the broker.

    Takes a :class:`BrokerContext` as ``context``, or the BrokerContext arguments (``broker``,
    ``policy``, ``api_key``, ``session_cache``) to build one offering ALPN ``http/1.1``.
    """

    default_port = http.client.HTTPS_PORT

    def __init__(self, host: str, port: Optional[int] = None, timeout=socket._GLOBAL_DEFAULT_TIMEOUT,
                 source_address=None, *, context: Optional[BrokerContext] = None, blocksize: int = 8192,
                 **context_arguments) -> None:
        super().__init__(host, port, timeout, source_address, blocksize=blocksize)
        if context is None:
            context_arguments.setdefault("alpn_protocols", ["http/1.1"])
            context = BrokerContext(**context_arguments)
        elif context_arguments:
            raise TypeError(f"pass either a context or its arguments, not both: {sorted(context_arguments)}")
        self._context = context

    def connect(self) -> None:
        super().connect()
        server_hostname = self._tunnel_host or self.host
        self.sock = self._context.wrap_socket(self.sock, server_hostname=server_hostname)


class BrokerHTTPSHandler(urllib.request.HTTPSHandler):
    """A urllib.request handler that opens https:// URLs through the broker:
    ``urllib.request.build_opener(BrokerHTTPSHandler(broker="127.0.0.1:5001"))``."""

    def __init__(self, context: Optional[BrokerContext] = None, debuglevel: int = 0, **context_arguments) -> None:
        super().__init__(debuglevel=debuglevel)
        if context is None:
            context_arguments.setdefault("alpn_protocols", ["http/1.1"])
            context = BrokerContext(**context_arguments)
        self._broker_context = context

    def https_open(self, req):
        return self.do_open(HTTPSConnection, req, context=self._broker_context)


def build_opener(*handlers, **context_arguments) -> urllib.request.OpenerDirector:
    """urllib.request.build_opener with https:// through the broker (BrokerContext arguments)."""
    return urllib.request.build_opener(BrokerHTTPSHandler(**context_arguments), *handlers)


def urlopen(url, data=None, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, **context_arguments):
    """urllib.request.urlopen through the broker, without installing a global opener."""
    return build_opener(**context_arguments).open(url, data, timeout)
