"""Run an action's work off rasa-sdk's event loop.

rasa-sdk calls every action on its one event loop, and ours call the services with blocking HTTP
(actions/api/services.py). While one action waited on the services, the action server could not
even read the next request: under 50 concurrent conversations (bench/load.py) the requests queued
past Sanic's timeouts and Rasa answered most messages with "Couldn't connect to the server".
`@in_thread` runs the class's `run` in a worker thread (a pool of QC_ACTION_THREADS, default 8),
so the loop keeps taking requests while actions wait on the services.
"""
import asyncio
import functools
import inspect
import os
from concurrent.futures import ThreadPoolExecutor

_POOL = ThreadPoolExecutor(max_workers=int(os.environ.get("QC_ACTION_THREADS", "8")),
                           thread_name_prefix="qc-action")


def in_thread(cls):
    """Class decorator: `await cls().run(...)` runs the original `run` in the pool (a coroutine
    `run` gets an event loop of its own there). Subclasses inherit the wrapped `run`."""
    original = cls.run
    if getattr(original, "_qc_in_thread", False):
        return cls

    @functools.wraps(original)
    async def run(self, dispatcher, tracker, domain):
        def work():
            result = original(self, dispatcher, tracker, domain)
            return asyncio.run(result) if inspect.isawaitable(result) else result
        return await asyncio.get_running_loop().run_in_executor(_POOL, work)

    run._qc_in_thread = True
    cls.run = run
    return cls


async def run_inline(action, dispatcher, tracker, domain):
    """Run another action's `run` inside this one's worker thread (not through the pool again)."""
    run = getattr(type(action).run, "__wrapped__", type(action).run)
    result = run(action, dispatcher, tracker, domain)
    return await result if inspect.isawaitable(result) else result


def _wait_for_slow_callers() -> None:
    """Sanic closes a new connection that sends nothing for KEEP_ALIVE_TIMEOUT (5 s). A saturated
    Rasa server opens the connection for an action call and may write the request seconds later;
    the action server had closed it and Rasa failed the action ("Can not write request body" /
    "Cannot write to closing transport"), 9 of 500 messages at 50 conversations (bench/README.md).
    rasa-sdk creates its app before it imports this package, so set it on that app: connections
    may stay silent QC_ACTION_IDLE_TIMEOUT seconds (default 120; Rasa waits 300 s for an action)."""
    try:
        from sanic import Sanic
        app = Sanic.get_app("rasa_sdk")
    except Exception:  # not inside `rasa run actions` (the unit tests import the actions directly)
        return
    app.config.KEEP_ALIVE_TIMEOUT = float(os.environ.get("QC_ACTION_IDLE_TIMEOUT", "120"))


_wait_for_slow_callers()
