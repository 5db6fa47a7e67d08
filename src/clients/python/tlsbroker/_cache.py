"""Client-side cache of resumption tokens, one per (broker, policy, server name)."""

from __future__ import annotations

import collections
import threading
from typing import Optional, Tuple

Key = Tuple[str, str, str]


class SessionCache:
    """Keeps the latest resumption token per (broker target, policy, server name), least recently
    used evicted beyond ``max_entries``. A token lets its holder resume the TLS session through the
    broker, so it is a secret: it stays in memory and never shows in a repr or log.
    """

    def __init__(self, max_entries: int = 1000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max_entries = max_entries
        self._tokens: "collections.OrderedDict[Key, bytes]" = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Optional[bytes]:
        with self._lock:
            token = self._tokens.get(key)
            if token is not None:
                self._tokens.move_to_end(key)
            return token

    def put(self, key: Key, token: bytes) -> None:
        with self._lock:
            self._tokens[key] = token
            self._tokens.move_to_end(key)
            while len(self._tokens) > self._max_entries:
                self._tokens.popitem(last=False)

    def discard(self, key: Key) -> None:
        with self._lock:
            self._tokens.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._tokens)

    def __repr__(self) -> str:
        return f"SessionCache({len(self)} of {self._max_entries} entries)"


default_session_cache = SessionCache()
