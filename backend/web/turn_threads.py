"""Where a tenant's turn runs: off the event loop, in threads kept for turns.

A turn is blocking database work, so a route hands it to a thread. Starlette's thread pool
(anyio) wakes a thread of its own for every call and puts it back to sleep after: under load
that was a dozen context switches and about a tenth of a millisecond of CPU time a message. A
pool with one queue keeps its threads busy instead. On SQLite one thread is enough, since
writers take turns on one lock anyway (store/db.py); on a server database as many threads as
the connection pool has connections.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine

P = ParamSpec("P")
T = TypeVar("T")

SERVER_DATABASE_THREADS = 40  # the connection pool's size (store/db.py make_engine)

# One pool per engine, gone with it (its idle threads end when the pool is collected).
_pools: weakref.WeakKeyDictionary[Engine, ThreadPoolExecutor] = weakref.WeakKeyDictionary()
_pools_guard = threading.Lock()


def _pool(engine: Engine) -> ThreadPoolExecutor:
    with _pools_guard:
        pool = _pools.get(engine)
        if pool is None:
            threads = 1 if engine.dialect.name == "sqlite" else SERVER_DATABASE_THREADS
            pool = _pools[engine] = ThreadPoolExecutor(threads, thread_name_prefix="turn")
        return pool


async def in_turn_thread(
    engine: Engine, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """`call(*args, **kwargs)` in a turn thread for `engine`'s database, awaited."""
    context = contextvars.copy_context()
    work = functools.partial(context.run, call, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_pool(engine), work)
