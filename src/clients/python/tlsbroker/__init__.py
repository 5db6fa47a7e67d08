"""TlsBroker client: TLS for your socket, done by a TlsBroker service, in the ssl module's idiom.

    import socket, tlsbroker
    sock = socket.create_connection(("example.com", 443))
    with tlsbroker.wrap_socket(sock, server_hostname="example.com", broker="127.0.0.1:5001") as tls:
        tls.sendall(b"GET / HTTP/1.1\\r\\nHost: example.com\\r\\nConnection: close\\r\\n\\r\\n")
        print(tls.version(), tls.cipher(), tls.recv(4096))
"""

from ._broker import Broker
from ._cache import SessionCache, default_session_cache
from ._context import BrokerContext, wrap_socket
from ._errors import (Alert, BrokerAuthenticationError, BrokerCertVerificationError, BrokerEOFError,
                      BrokerError, BrokerLimitError, BrokerPermissionError, BrokerRequestError,
                      BrokerSSLError, BrokerTimeoutError, BrokerUnavailableError, BrokerZeroReturnError,
                      VerifyResult)
from ._http import BrokerHTTPSHandler, HTTPSConnection, build_opener, urlopen
from ._socket import DEFAULT_TIMEOUT, BrokerSocket

__version__ = "0.1.0"


def create_connection(address, *, server_hostname=None, timeout=None, source_address=None, **context_arguments):
    """socket.create_connection followed by wrap_socket (server_hostname defaults to the host)."""
    import socket

    sock = socket.create_connection(address, timeout if timeout is not None else DEFAULT_TIMEOUT, source_address)
    try:
        return wrap_socket(sock, server_hostname=server_hostname or address[0], timeout=timeout, **context_arguments)
    except BaseException:
        sock.close()
        raise


__all__ = [
    "Alert", "Broker", "BrokerAuthenticationError", "BrokerCertVerificationError", "BrokerContext",
    "BrokerEOFError", "BrokerError", "BrokerHTTPSHandler", "BrokerLimitError", "BrokerPermissionError",
    "BrokerRequestError", "BrokerSSLError", "BrokerSocket", "BrokerTimeoutError", "BrokerUnavailableError",
    "BrokerZeroReturnError", "DEFAULT_TIMEOUT", "HTTPSConnection", "SessionCache", "VerifyResult",
    "build_opener", "create_connection", "default_session_cache", "urlopen", "wrap_socket",
]
