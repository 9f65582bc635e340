"""Salted PBKDF2 hashes for PINs and passwords; the database never holds the plain text."""
from __future__ import annotations

import hashlib
import hmac
import secrets

ITERATIONS = 100_000


def hash_secret(secret: str, iterations: int | None = None) -> str:
    iterations = iterations or ITERATIONS   # read at call time: the tests lower it for speed
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), bytes.fromhex(salt), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", secret.encode(), bytes.fromhex(salt), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)
