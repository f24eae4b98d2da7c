"""Where a tenant's turn runs: on SQLite, right on the event loop when no one else is writing;
otherwise in threads kept for turns.

A turn is blocking database work. On SQLite it is also short (a few tenths of a millisecond of
CPU) and writers take turns on one lock (store/db.py): handing it to a thread only queues it
behind the same lock, and the handover, and the two threads passing the GIL back and forth
while the turn runs, cost as much CPU again as the turn. So run_turn() runs it at once in the
event loop when the write lock is free (in this process and in any other); turns queue for
the loop in order; and the loop never waits for the lock: if another writer holds it, the turn
goes to a turn thread and waits there. That suits channels answered in the response (SMS, web
chat). Where every reply goes out through the outbox (Telegram), the outbox's own writes, in
threads, would wait for the loop to let go of the GIL between turns: those turns stay in a turn
thread (in_turn_thread()), which halved the Telegram benchmark's rate when they did not.

Starlette's thread pool (anyio) wakes a thread of its own for every call and puts it back to
sleep after: under load that was a dozen context switches and about a tenth of a millisecond of
CPU time a message. A pool with one queue keeps its threads busy instead, as many as the
connection pool has connections. (One thread would do for SQLite's one writer at a time, but
then the outbox's writes took every other turn of the lock, and Telegram's rate halved.)
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

from backend.store.db import WriterBusy, without_waiting

P = ParamSpec("P")
T = TypeVar("T")

TURN_THREADS = 40  # the connection pool's size (store/db.py make_engine)

# One pool per engine, gone with it (its idle threads end when the pool is collected).
_pools: weakref.WeakKeyDictionary[Engine, ThreadPoolExecutor] = weakref.WeakKeyDictionary()
_pools_guard = threading.Lock()
# One queue of SQLite turns per event loop (an asyncio lock belongs to one loop).
_turn_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _pool(engine: Engine) -> ThreadPoolExecutor:
    with _pools_guard:
        pool = _pools.get(engine)
        if pool is None:
            pool = _pools[engine] = ThreadPoolExecutor(TURN_THREADS, thread_name_prefix="turn")
        return pool


async def run_turn(engine: Engine, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`call(*args, **kwargs)`, a turn (or turns) on `engine`'s database: at once if it can
    begin writing without waiting (SQLite), else in a turn thread, awaited. The call must do
    nothing before its first write transaction that it may not do twice."""
    if engine.dialect.name != "sqlite":
        return await in_turn_thread(engine, call, *args, **kwargs)
    # Turns queue here, in order, rather than in a thread: only one writes at a time anyway.
    async with _turn_lock():
        try:
            with without_waiting():
                return call(*args, **kwargs)
        except WriterBusy:
            pass  # another writer (the outbox, an officer, another process): nothing was done
        return await in_turn_thread(engine, call, *args, **kwargs)


def _turn_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _turn_locks.get(loop)
    if lock is None:
        lock = _turn_locks[loop] = asyncio.Lock()
    return lock


async def in_turn_thread(
    engine: Engine, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """`call(*args, **kwargs)` in a turn thread for `engine`'s database, awaited."""
    context = contextvars.copy_context()
    work = functools.partial(context.run, call, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_pool(engine), work)
