"""Passwords, sessions, CSRF tokens and the comment rate limit.

- Passwords are hashed with argon2id (``argon2-cffi``'s defaults, RFC 9106).
- A staff session is a random token in an HttpOnly, SameSite=Lax cookie (Secure when
  configured); the store keeps only its SHA-256.
- Every visitor gets a random CSRF cookie; each form carries HMAC-SHA256(secret, cookie)
  and every POST must present it (the "double submit" pattern with a keyed token).
- Comments are rate-limited per client address by a token bucket held in the process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CSRF_COOKIE = "calexit_csrf"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "calexit_session"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; parameters in the hash string)."""
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches; a malformed hash never matches."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(secret: bytes, cookie: str) -> str:
    """The form token for a CSRF cookie value."""
    return hmac.new(secret, cookie.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, cookie: str | None, submitted: str | None) -> bool:
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie), submitted)


@dataclass
class TokenBucket:
    """Per-key token buckets: ``capacity`` tokens, refilled at ``rate`` per second."""

    capacity: float
    rate: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    max_keys: int = 100_000

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0.0 if granted, else the seconds to wait for one."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                granted = 0.0
            else:
                self._buckets[key] = (tokens, now)
                granted = (1 - tokens) / self.rate if self.rate > 0 else float("inf")
            if len(self._buckets) > self.max_keys:
                self._prune(now)
            return granted

    def _prune(self, now: float) -> None:
        full = [
            k
            for k, (t, last) in self._buckets.items()
            if t + (now - last) * self.rate >= self.capacity
        ]
        for key in full:
            del self._buckets[key]
