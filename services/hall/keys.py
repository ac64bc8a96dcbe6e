"""The hall's own keys: the audit chain's MAC key, the lookup-hash key and the data key.

They live where every other secret of clerk lives (services.credentials: CLERK_SECRET_<NAME>,
then the keyring, then the 0600 secrets file) and never in the database, so a copy of the store
alone can neither forge the audit chain nor read the personal data in it.

- `hall_audit_key`  HMAC-SHA256 key of the audit chain (services/hall/audit.py)
- `hall_lookup_key` HMAC-SHA256 key of the lookup hashes of ID numbers and phones
- `hall_data_key`   Fernet keys (AES-128-CBC + HMAC-SHA256) for ID numbers and phones at rest,
                    newest first, separated by spaces: rotation prepends a new key, re-encrypts
                    every row, then drops the old one (`clerk security rotate-key`).

A missing key is created on first use. `clerk serve` creates them before any worker starts, so
several workers never race to create different keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from services import credentials

AUDIT_KEY = "hall_audit_key"
LOOKUP_KEY = "hall_lookup_key"
DATA_KEY = "hall_data_key"
ALL = (AUDIT_KEY, LOOKUP_KEY, DATA_KEY)

_lock = threading.Lock()


def _where() -> tuple[str, ...]:
    # the cache is per place the secrets come from (tests switch CLERK_HOME between cases)
    env = (os.environ.get(credentials.env_var(name), "") for name in ALL)
    return (str(credentials.secrets_file()), *env)


def _new(name: str) -> str:
    if name == DATA_KEY:
        return Fernet.generate_key().decode("ascii")
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


@lru_cache(maxsize=8)
def _load(name: str, _where_key: tuple[str, ...]) -> str:
    with _lock:
        value = credentials.get(name)
        if not value:
            value = _new(name)
            credentials.store(name, value)
        return value


def secret(name: str) -> str:
    """The key `name`, created (and stored) when there is none yet."""
    return _load(name, _where())


def ensure() -> None:
    """Create every missing key now (before worker processes start)."""
    for name in ALL:
        secret(name)


def forget_cache() -> None:
    _load.cache_clear()


def mac(name: str, message: str) -> str:
    """Hex HMAC-SHA256 of `message` under the key `name`."""
    return hmac.new(
        secret(name).encode("ascii"), message.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def lookup_hash(normalised: str) -> str:
    """The keyed hash a normalised ID number or phone is looked up by."""
    return mac(LOOKUP_KEY, normalised)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(part.encode("ascii")) for part in secret(DATA_KEY).split()])


PREFIX = "enc:"


def encrypt(value: str | None) -> str | None:
    """`enc:` + a Fernet token of `value` under the newest data key (None stays None)."""
    if value is None or value == "":
        return value
    return PREFIX + _fernet().encrypt(value.encode("utf-8")).decode("ascii")


class UndecryptableError(RuntimeError):
    """A value encrypted under a key this hall no longer has."""


def decrypt(value: str | None) -> str | None:
    """The clear text of an `enc:` value; a value without the prefix is returned as it is
    (rows written before encryption, or masked by the retention rule)."""
    if value is None or not value.startswith(PREFIX):
        return value
    try:
        return _fernet().decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise UndecryptableError("personal data encrypted under an unknown key") from exc


def reencrypt(value: str | None) -> str | None:
    """The value under the newest data key (for rotation)."""
    if value is None or not value.startswith(PREFIX):
        return encrypt(value)
    token = _fernet().rotate(value[len(PREFIX) :].encode("ascii"))
    return PREFIX + token.decode("ascii")


def begin_rotation() -> str:
    """Prepend a new data key (old ones stay readable); returns the new key list."""
    keys = [Fernet.generate_key().decode("ascii"), *secret(DATA_KEY).split()]
    value = " ".join(keys)
    credentials.store(DATA_KEY, value)
    forget_cache()
    return value


def finish_rotation() -> None:
    """Keep only the newest data key (after every row was re-encrypted under it)."""
    newest = secret(DATA_KEY).split()[0]
    credentials.store(DATA_KEY, newest)
    forget_cache()
