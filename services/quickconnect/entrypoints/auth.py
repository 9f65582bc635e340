"""Signed, expiring identity tokens (JWT HS256) and the caller they name."""
from __future__ import annotations

import time

import jwt

from ..domain.errors import Unauthorized
from ..service_layer.handlers import Actor

CHANNELS = ("chat", "agent_widget", "api", "web")
ROLES = ("customer", "agent", "supervisor")


def issue_token(secret: str, ttl_seconds: int, subject: str, role: str, name: str) -> str:
    now = int(time.time())   # real time, not QC_TODAY: tokens expire for real
    return jwt.encode({"sub": subject, "role": role, "name": name, "iat": now, "exp": now + ttl_seconds},
                      secret, algorithm="HS256")


def caller_from_token(secret: str, token: str | None, channel: str = "api") -> Actor:
    if not token:
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <token>'.")
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"],
                            options={"require": ["sub", "role", "exp", "iat"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Your sign-in has expired; please sign in again.") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("That sign-in token is not valid.") from None
    if claims["role"] not in ROLES or not isinstance(claims["sub"], str):
        raise Unauthorized("That sign-in token is not valid.")
    return Actor(claims["sub"], claims["role"], channel)
