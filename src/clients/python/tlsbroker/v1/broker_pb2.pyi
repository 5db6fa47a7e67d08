from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ALERT_LEVEL_FATAL: AlertLevel
ALERT_LEVEL_UNSPECIFIED: AlertLevel
ALERT_LEVEL_WARNING: AlertLevel
DESCRIPTOR: _descriptor.FileDescriptor
PIN_STATUS_MATCHED: PinStatus
PIN_STATUS_NOT_CHECKED: PinStatus
PIN_STATUS_NOT_CONFIGURED: PinStatus
PIN_STATUS_NO_MATCH: PinStatus
PIN_STATUS_UNSPECIFIED: PinStatus
SSL_ERROR_NONE: SslError
SSL_ERROR_SSL: SslError
SSL_ERROR_SYSCALL: SslError
SSL_ERROR_WANT_READ: SslError
SSL_ERROR_WANT_WRITE: SslError
SSL_ERROR_ZERO_RETURN: SslError

class Alert(_message.Message):
    __slots__ = ["description", "level", "name", "sent"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SENT_FIELD_NUMBER: _ClassVar[int]
    description: int
    level: AlertLevel
    name: str
    sent: bool
    def __init__(self, description: _Optional[int] = ..., name: _Optional[str] = ..., level: _Optional[_Union[AlertLevel, str]] = ..., sent: bool = ...) -> None: ...

class ConnectRequest(_message.Message):
    __slots__ = ["export_keys", "received", "shutdown", "start", "write"]
    EXPORT_KEYS_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    SHUTDOWN_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    WRITE_FIELD_NUMBER: _ClassVar[int]
    export_keys: ExportKeys
    received: Received
    shutdown: Shutdown
    start: Start
    write: Write
    def __init__(self, start: _Optional[_Union[Start, _Mapping]] = ..., received: _Optional[_Union[Received, _Mapping]] = ..., write: _Optional[_Union[Write, _Mapping]] = ..., shutdown: _Optional[_Union[Shutdown, _Mapping]] = ..., export_keys: _Optional[_Union[ExportKeys, _Mapping]] = ...) -> None: ...

class ConnectResponse(_message.Message):
    __slots__ = ["alert", "error", "established", "exported_keys", "plaintext", "reason", "records_to_send", "resumption_token", "ret", "session", "verify"]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ESTABLISHED_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_KEYS_FIELD_NUMBER: _ClassVar[int]
    PLAINTEXT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECORDS_TO_SEND_FIELD_NUMBER: _ClassVar[int]
    RESUMPTION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RET_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    VERIFY_FIELD_NUMBER: _ClassVar[int]
    alert: Alert
    error: SslError
    established: Established
    exported_keys: ExportedKeys
    plaintext: bytes
    reason: str
    records_to_send: bytes
    resumption_token: bytes
    ret: int
    session: SessionInfo
    verify: VerifyResult
    def __init__(self, records_to_send: _Optional[bytes] = ..., plaintext: _Optional[bytes] = ..., ret: _Optional[int] = ..., error: _Optional[_Union[SslError, str]] = ..., alert: _Optional[_Union[Alert, _Mapping]] = ..., verify: _Optional[_Union[VerifyResult, _Mapping]] = ..., reason: _Optional[str] = ..., established: _Optional[_Union[Established, _Mapping]] = ..., resumption_token: _Optional[bytes] = ..., session: _Optional[_Union[SessionInfo, _Mapping]] = ..., exported_keys: _Optional[_Union[ExportedKeys, _Mapping]] = ...) -> None: ...

class Established(_message.Message):
    __slots__ = ["alpn", "cipher_suite", "client_certificate_sent", "group", "handshake_duration", "peer_certificates", "protocol_version", "resumed"]
    ALPN_FIELD_NUMBER: _ClassVar[int]
    CIPHER_SUITE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_CERTIFICATE_SENT_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    HANDSHAKE_DURATION_FIELD_NUMBER: _ClassVar[int]
    PEER_CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESUMED_FIELD_NUMBER: _ClassVar[int]
    alpn: str
    cipher_suite: str
    client_certificate_sent: bool
    group: str
    handshake_duration: _duration_pb2.Duration
    peer_certificates: _containers.RepeatedScalarFieldContainer[bytes]
    protocol_version: str
    resumed: bool
    def __init__(self, protocol_version: _Optional[str] = ..., cipher_suite: _Optional[str] = ..., group: _Optional[str] = ..., alpn: _Optional[str] = ..., peer_certificates: _Optional[_Iterable[bytes]] = ..., resumed: bool = ..., handshake_duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., client_certificate_sent: bool = ...) -> None: ...

class ExpectedIdentity(_message.Message):
    __slots__ = ["dns", "email", "ip", "spiffe_id", "spiffe_trust_domain", "uri"]
    DNS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    SPIFFE_ID_FIELD_NUMBER: _ClassVar[int]
    SPIFFE_TRUST_DOMAIN_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    dns: str
    email: str
    ip: str
    spiffe_id: str
    spiffe_trust_domain: str
    uri: str
    def __init__(self, dns: _Optional[str] = ..., ip: _Optional[str] = ..., uri: _Optional[str] = ..., spiffe_id: _Optional[str] = ..., spiffe_trust_domain: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class ExportKeys(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ExportedKeys(_message.Message):
    __slots__ = ["cipher_suite", "client_traffic_secret", "client_write_iv", "client_write_key", "hash", "key_update_owed", "protocol_version", "read_sequence", "server_traffic_secret", "server_write_iv", "server_write_key", "write_sequence"]
    CIPHER_SUITE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_TRAFFIC_SECRET_FIELD_NUMBER: _ClassVar[int]
    CLIENT_WRITE_IV_FIELD_NUMBER: _ClassVar[int]
    CLIENT_WRITE_KEY_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    KEY_UPDATE_OWED_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    READ_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SERVER_TRAFFIC_SECRET_FIELD_NUMBER: _ClassVar[int]
    SERVER_WRITE_IV_FIELD_NUMBER: _ClassVar[int]
    SERVER_WRITE_KEY_FIELD_NUMBER: _ClassVar[int]
    WRITE_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    cipher_suite: str
    client_traffic_secret: bytes
    client_write_iv: bytes
    client_write_key: bytes
    hash: str
    key_update_owed: bool
    protocol_version: str
    read_sequence: int
    server_traffic_secret: bytes
    server_write_iv: bytes
    server_write_key: bytes
    write_sequence: int
    def __init__(self, protocol_version: _Optional[str] = ..., cipher_suite: _Optional[str] = ..., hash: _Optional[str] = ..., client_traffic_secret: _Optional[bytes] = ..., server_traffic_secret: _Optional[bytes] = ..., client_write_key: _Optional[bytes] = ..., server_write_key: _Optional[bytes] = ..., client_write_iv: _Optional[bytes] = ..., server_write_iv: _Optional[bytes] = ..., read_sequence: _Optional[int] = ..., write_sequence: _Optional[int] = ..., key_update_owed: bool = ...) -> None: ...

class PinResult(_message.Message):
    __slots__ = ["depth", "pin", "status"]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    PIN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    depth: int
    pin: str
    status: PinStatus
    def __init__(self, status: _Optional[_Union[PinStatus, str]] = ..., depth: _Optional[int] = ..., pin: _Optional[str] = ...) -> None: ...

class Received(_message.Message):
    __slots__ = ["data", "eof"]
    DATA_FIELD_NUMBER: _ClassVar[int]
    EOF_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    eof: bool
    def __init__(self, data: _Optional[bytes] = ..., eof: bool = ...) -> None: ...

class SessionInfo(_message.Message):
    __slots__ = ["id", "max_message_bytes"]
    ID_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    id: str
    max_message_bytes: int
    def __init__(self, id: _Optional[str] = ..., max_message_bytes: _Optional[int] = ...) -> None: ...

class Shutdown(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class Start(_message.Message):
    __slots__ = ["alpn", "policy", "resumption_token", "server_name"]
    ALPN_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    RESUMPTION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SERVER_NAME_FIELD_NUMBER: _ClassVar[int]
    alpn: _containers.RepeatedScalarFieldContainer[str]
    policy: str
    resumption_token: bytes
    server_name: str
    def __init__(self, policy: _Optional[str] = ..., server_name: _Optional[str] = ..., alpn: _Optional[_Iterable[str]] = ..., resumption_token: _Optional[bytes] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ["certificates", "expected_identities", "policy", "server_name"]
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_IDENTITIES_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    SERVER_NAME_FIELD_NUMBER: _ClassVar[int]
    certificates: _containers.RepeatedScalarFieldContainer[bytes]
    expected_identities: _containers.RepeatedCompositeFieldContainer[ExpectedIdentity]
    policy: str
    server_name: str
    def __init__(self, policy: _Optional[str] = ..., server_name: _Optional[str] = ..., certificates: _Optional[_Iterable[bytes]] = ..., expected_identities: _Optional[_Iterable[_Union[ExpectedIdentity, _Mapping]]] = ...) -> None: ...

class VerifyResponse(_message.Message):
    __slots__ = ["path", "pins", "reason", "verify"]
    PATH_FIELD_NUMBER: _ClassVar[int]
    PINS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    VERIFY_FIELD_NUMBER: _ClassVar[int]
    path: _containers.RepeatedScalarFieldContainer[bytes]
    pins: PinResult
    reason: str
    verify: VerifyResult
    def __init__(self, verify: _Optional[_Union[VerifyResult, _Mapping]] = ..., reason: _Optional[str] = ..., path: _Optional[_Iterable[bytes]] = ..., pins: _Optional[_Union[PinResult, _Mapping]] = ...) -> None: ...

class VerifyResult(_message.Message):
    __slots__ = ["code", "depth", "name"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    code: int
    depth: int
    name: str
    def __init__(self, code: _Optional[int] = ..., name: _Optional[str] = ..., depth: _Optional[int] = ...) -> None: ...

class Write(_message.Message):
    __slots__ = ["plaintext"]
    PLAINTEXT_FIELD_NUMBER: _ClassVar[int]
    plaintext: bytes
    def __init__(self, plaintext: _Optional[bytes] = ...) -> None: ...

class SslError(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AlertLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class PinStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
