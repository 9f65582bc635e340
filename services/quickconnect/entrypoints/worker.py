"""Activation of due subscriptions, once or every N seconds (in `serve`'s background thread)."""
from __future__ import annotations

import logging
import threading

from ..domain.errors import ConcurrentChange, Unavailable
from ..service_layer import handlers

log = logging.getLogger(__name__)


def activate_once(services) -> list[dict]:
    try:
        activated = handlers.activate_due(services.uow(), services.clock)
    except ConcurrentChange:
        # Another worker activated the same rows first; the next round picks up anything left.
        log.info("activation: another worker got there first")
        return []
    except Unavailable:
        # Nothing was activated; the next round tries again once the database is back.
        log.warning("activation: the database is unavailable; retrying next round")
        return []
    for item in activated:
        log.info("activated %s for %s", item["subscription"]["service"]["name"], item["account_number"])
    return activated


class ActivationThread(threading.Thread):
    def __init__(self, services, interval_seconds: float):
        super().__init__(name="activation", daemon=True)
        self.services, self.interval = services, interval_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                activate_once(self.services)
            except Exception:   # keep the loop alive (e.g. the database briefly down)
                log.exception("activation round failed")
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
