"""Rasa's Redis lock store with each change of a conversation's lock made atomic.

Rasa 3.6's `RedisLockStore` issues a ticket by reading the lock, adding a ticket and writing it
back (`issue_ticket`). Two Rasa servers taking a message of the same conversation in the same
instant both read "no lock", both write a lock with ticket 0, and both go ahead: the two turns
then interleave on one tracker and a user event can be lost (seen in tests/scaleout). Here every
read-modify-write of a lock runs as a Redis optimistic transaction (WATCH, then MULTI/EXEC,
retried when another server changed the key in between), so each message gets its own ticket
and waits its turn whichever server it reached. Keys, values and the key prefix are Rasa's own,
so servers can be switched over from `type: redis` one at a time.

endpoints.yml:
  lock_store:
    type: bot.lock_store.AtomicRedisLockStore
    url: <redis host>
    port: 6379
    key_prefix: quickconnect
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa builds a custom lock store from its endpoint config; tests pass keyword arguments.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text,
                change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]) -> Any:
        """Run `change` on the stored lock in a WATCH/MULTI transaction (retried if another
        server changed the lock meanwhile). `change` returns the lock to store (None: delete the
        key; the same object untouched is stored again) and a result, which is returned."""
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> Any:
            stored = pipe.get(key)
            lock, result = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            pipe.multi()
            if lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take_ticket(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take_ticket)
        except Exception as e:  # Rasa's own contract: any failure here is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: (_without_ticket(lock, ticket_number), None))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # One transaction: between "nobody is waiting" and the delete, another server could
        # take a ticket, and the delete would then throw that ticket away.
        def remove_ticket_and_idle_lock(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            lock = _without_ticket(lock, ticket_number)
            return (lock if lock is not None and lock.is_someone_waiting() else None), None

        self._change(conversation_id, remove_ticket_and_idle_lock)


def _without_ticket(lock: Optional[TicketLock], ticket_number: int) -> Optional[TicketLock]:
    if lock is not None:
        lock.remove_ticket_for(ticket_number)
    return lock
