"""Exceptions: TLS failures as ssl.SSLError subclasses, broker failures as OSError subclasses.

A TLS failure is a result in the broker's stream (ret -1 with SSL_ERROR_SSL / SYSCALL / ZERO_RETURN,
an alert, a verify result); it becomes the exception Python's own ssl module raises in the same
situation, carrying what the broker reported. A gRPC status is a misuse or a limit of the broker;
it becomes the builtin exception family that says what went wrong (ConnectionError,
PermissionError, TimeoutError, ValueError), never a bare grpc.RpcError.
"""

from __future__ import annotations

import ssl
from typing import NamedTuple, Optional

import grpc

from .v1 import broker_pb2

# OpenSSL's SSL_get_error() values as the broker reports them (ssl.h).
_SSL_ERROR_NAMES = {
    broker_pb2.SSL_ERROR_NONE: "SSL_ERROR_NONE",
    broker_pb2.SSL_ERROR_SSL: "SSL_ERROR_SSL",
    broker_pb2.SSL_ERROR_WANT_READ: "SSL_ERROR_WANT_READ",
    broker_pb2.SSL_ERROR_WANT_WRITE: "SSL_ERROR_WANT_WRITE",
    broker_pb2.SSL_ERROR_SYSCALL: "SSL_ERROR_SYSCALL",
    broker_pb2.SSL_ERROR_ZERO_RETURN: "SSL_ERROR_ZERO_RETURN",
}


class Alert(NamedTuple):
    """The TLS alert that ended the session (RFC 8446 §6)."""

    description: int
    name: str
    fatal: bool
    sent: bool

    def __str__(self) -> str:
        direction = "sent to the server" if self.sent else "received from the server"
        return f"alert {self.name} ({self.description}) {direction}"


class VerifyResult(NamedTuple):
    """The certificate verification failure (OpenSSL 3 X509_V_* number and name, chain depth)."""

    code: int
    name: str
    depth: int


class BrokerSSLError(ssl.SSLError):
    """A TLS failure the broker reported (ret -1 with SSL_ERROR_SSL, or a failed write).

    ``errno`` is Python's ssl error number (ssl.SSL_ERROR_*), ``library`` is "SSL" and ``reason`` an
    OpenSSL-style mnemonic, as on the errors of the ssl module. The broker's own report is in
    ``ssl_error`` (its SSL_ERROR_* name), ``alert`` (an :class:`Alert` or None), ``verify`` (a
    :class:`VerifyResult` or None), ``broker_reason`` (its text) and ``session_id``.
    """

    def __init__(self, errno: int, message: str, *, reason: str, ssl_error: str,
                 alert: Optional[Alert] = None, verify: Optional[VerifyResult] = None,
                 broker_reason: str = "", session_id: str = "") -> None:
        super().__init__(errno, message)
        self.library = "SSL"
        self.reason = reason
        self.ssl_error = ssl_error
        self.alert = alert
        self.verify = verify
        self.broker_reason = broker_reason
        self.session_id = session_id


class BrokerCertVerificationError(BrokerSSLError, ssl.SSLCertVerificationError):
    """The server's certificate failed verification: ``verify_code`` is the OpenSSL 3 X509_V_* number,
    ``verify_message`` the reason, as on ssl.SSLCertVerificationError."""

    def __init__(self, errno: int, message: str, **kwargs) -> None:
        super().__init__(errno, message, **kwargs)
        verify = kwargs["verify"]
        self.verify_code = verify.code
        self.verify_message = kwargs.get("broker_reason") or verify.name


class BrokerEOFError(BrokerSSLError, ssl.SSLEOFError):
    """The server closed TCP without close_notify: the data may be truncated (RFC 8446 §6.1)."""


class BrokerZeroReturnError(BrokerSSLError, ssl.SSLZeroReturnError):
    """A write after the server closed the TLS session with close_notify."""


class BrokerError(OSError):
    """The broker refused or could not serve the request (a gRPC status, kept in ``grpc_code``)."""

    def __init__(self, message: str, *, grpc_code: Optional[grpc.StatusCode] = None,
                 details: str = "", target: str = "") -> None:
        super().__init__(message)
        self.grpc_code = grpc_code
        self.details = details
        self.target = target


class BrokerUnavailableError(BrokerError, ConnectionError):
    """The broker is unreachable, stopped, or went away during the session."""


class BrokerPermissionError(BrokerError, PermissionError):
    """The broker denied the session: unknown or not granted policy, or server name outside it."""


class BrokerAuthenticationError(BrokerError, PermissionError):
    """The broker did not accept the caller's credentials (missing or wrong API key)."""


class BrokerLimitError(BrokerError):
    """A limit of the broker: too many sessions, or a message over its size limit."""


class BrokerTimeoutError(BrokerError, TimeoutError):
    """The broker ended the session on its own deadline (handshake or idle timeout)."""


class BrokerRequestError(BrokerError, ValueError):
    """The broker rejected a request as invalid (for example a malformed server name or ALPN)."""


_STATUS_CLASSES = {
    grpc.StatusCode.UNAVAILABLE: (BrokerUnavailableError, "is unavailable"),
    grpc.StatusCode.PERMISSION_DENIED: (BrokerPermissionError, "denied the session"),
    grpc.StatusCode.UNAUTHENTICATED: (BrokerAuthenticationError, "did not accept the credentials"),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (BrokerLimitError, "refused the request (a limit was reached)"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (BrokerTimeoutError, "ended the session on its deadline"),
    grpc.StatusCode.INVALID_ARGUMENT: (BrokerRequestError, "rejected the request as invalid"),
}

# What grpcio reports when the broker's process or connection goes away mid-call: an abrupt end
# of the transport, which is the broker being unavailable whatever status grpcio chose for it.
_TRANSPORT_LOSS = ("socket closed", "stream removed", "connection reset", "broken pipe", "goaway", "connection refused")


def rpc_error(error: grpc.RpcError, target: str, server_name: str) -> BrokerError:
    """The exception for a gRPC failure of the Connect call."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    details = (error.details() if hasattr(error, "details") else str(error)) or ""
    cls, what = _STATUS_CLASSES.get(code, (BrokerError, "failed"))
    if cls is BrokerError and any(word in details.lower() for word in _TRANSPORT_LOSS):
        cls, what = BrokerUnavailableError, "is unavailable"
    name = code.name if code is not None else "UNKNOWN"
    message = f"TLS broker at {target} {what} (TLS session to {server_name!r}): {details or name} [gRPC {name}]"
    return cls(message, grpc_code=code, details=details, target=target)


def _alert(response) -> Optional[Alert]:
    if not response.HasField("alert"):
        return None
    a = response.alert
    return Alert(a.description, a.name, a.level == broker_pb2.ALERT_LEVEL_FATAL, a.sent)


def _verify(response) -> Optional[VerifyResult]:
    if not response.HasField("verify") or response.verify.code == 0:
        return None
    v = response.verify
    return VerifyResult(v.code, v.name, v.depth)


def _mnemonic(alert: Optional[Alert], text: str) -> str:
    if alert is not None and not alert.sent:
        prefix = "SSLV3_ALERT_" if alert.description in (10, 20, 30, 40, 41, 42, 43, 44, 45, 46, 47) else "TLSV1_ALERT_"
        return prefix + alert.name.upper()
    return "_".join(text.upper().replace("-", " ").split()) or "UNKNOWN_ERROR"


def tls_error(response, *, operation: str, server_name: str, session_id: str) -> BrokerSSLError:
    """The ssl.SSLError subclass for a broker response reporting a TLS failure during ``operation``."""
    alert = _alert(response)
    verify = _verify(response)
    broker_reason = response.reason
    ssl_error = _SSL_ERROR_NAMES.get(response.error, f"SSL_ERROR_{response.error}")
    common = dict(ssl_error=ssl_error, alert=alert, verify=verify, broker_reason=broker_reason, session_id=session_id)
    where = f"{operation} with {server_name!r}"
    if verify is not None:
        detail = broker_reason or verify.name
        message = (f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {detail} "
                   f"({verify.name}, code {verify.code}, depth {verify.depth}) during {where}")
        return BrokerCertVerificationError(ssl.SSL_ERROR_SSL, message, reason="CERTIFICATE_VERIFY_FAILED", **common)
    if response.error == broker_pb2.SSL_ERROR_SYSCALL:
        message = (f"[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol: "
                   f"{broker_reason or 'unexpected eof while reading'} during {where} "
                   "(the server closed TCP without close_notify; the data may be truncated)")
        return BrokerEOFError(ssl.SSL_ERROR_EOF, message, reason="UNEXPECTED_EOF_WHILE_READING", **common)
    if response.error == broker_pb2.SSL_ERROR_ZERO_RETURN:
        message = f"[SSL: ZERO_RETURN] TLS/SSL connection has been closed (EOF) during {where}"
        return BrokerZeroReturnError(ssl.SSL_ERROR_ZERO_RETURN, message, reason="ZERO_RETURN", **common)
    reason = _mnemonic(alert, broker_reason)
    parts = [broker_reason or ssl_error]
    if alert is not None:
        parts.append(str(alert))
    message = f"[SSL: {reason}] {'; '.join(parts)} during {where}"
    return BrokerSSLError(ssl.SSL_ERROR_SSL, message, reason=reason, **common)
