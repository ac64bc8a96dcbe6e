"""Passwords (argon2id) and bearer tokens (random, stored only as a SHA-256 hash).

Production uses argon2-cffi's defaults (RFC 9106 low-memory profile). Tests may set
CLERK_ARGON2_PROFILE=fast for a cheap profile; hashes carry their own parameters, so a store
written with one profile verifies under the other.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PROFILE_ENV = "CLERK_ARGON2_PROFILE"
MIN_PASSWORD_LENGTH = 8


@cache
def _hasher(profile: str) -> PasswordHasher:
    if profile == "fast":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def hasher() -> PasswordHasher:
    return _hasher(os.environ.get(PROFILE_ENV, "default"))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# Verified against when the user does not exist, so both answers take the same time.
@cache
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash(secrets.token_urlsafe(16))


def burn_time(password: str) -> None:
    verify_password(_dummy_hash(os.environ.get(PROFILE_ENV, "default")), password)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def random_password(length: int = 12) -> str:
    """A password a person can read off a sheet: no 0/O, 1/l/I."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
