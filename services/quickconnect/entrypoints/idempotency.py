"""Idempotency-Key for writes: the key and the change commit in one transaction.

A repeat by the same caller with the same key, method, path and body gets the stored response;
anything else with that key gets 409. The unique (caller, key) index turns two concurrent
first requests into one change plus one replay (or 409).
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable

from fastapi.responses import JSONResponse

from ..adapters import orm
from ..domain.errors import Conflict, DomainError, IdempotencyKeyReused, InvalidRequest


class MissingIdempotencyKey(DomainError):
    code = "missing_idempotency_key"


def body_hash(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _stored(uow_factory, caller: str, key: str, method: str, path: str, digest: str) -> JSONResponse | None:
    with uow_factory() as uow:
        row = uow.repo.idempotency_key(caller, key)
        if row is None:
            return None
        if (row.method, row.path, row.body_hash) != (method, path, digest):
            raise IdempotencyKeyReused("This Idempotency-Key was already used for a different request; "
                                       "use a new key for a new request.")
        return JSONResponse(row.response, status_code=row.status_code, headers={"Idempotent-Replayed": "true"})


def run_write(uow_factory, clock, caller: str, key: str | None, method: str, path: str, body: dict,
              status_code: int, write: Callable) -> JSONResponse:
    """write(uow) runs the use case in uow and commits it; we add the key row to that commit."""
    if key is None or not key.strip():
        raise MissingIdempotencyKey("This change needs an 'Idempotency-Key' header (1-200 characters), "
                                    "so that a retry cannot apply it twice.")
    if len(key) > 200:
        raise InvalidRequest("The Idempotency-Key must be at most 200 characters.")
    digest = body_hash(body)
    replay = _stored(uow_factory, caller, key, method, path, digest)
    if replay is not None:
        return replay

    def remember(uow, result) -> None:
        uow.repo.add(orm.IdempotencyKeyRow(caller=caller, key=key, method=method, path=path, body_hash=digest,
                                           status_code=status_code, response=result, created_at=clock.now()))

    uow = uow_factory()
    uow.before_commit.append(remember)
    try:
        result = write(uow)
    except Conflict:
        # Lost a race (a concurrent change, or a state the winner just made, e.g. "already
        # undone"): if it was against the same key, answer as the winner did.
        replay = _stored(uow_factory, caller, key, method, path, digest)
        if replay is not None:
            return replay
        raise
    return JSONResponse(result, status_code=status_code)
