"""Environment variables set for one block of code, then put back as they were.

Some libraries read a variable once, when they start: an OpenMP runtime when it is loaded, the JVM
when pyjnius loads it. Setting the variable around that moment gives the library what it needs
without changing the environment of the user's process (nor of the processes it starts later).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# os.environ is one for all threads: two blocks at once would each save the other's value as the
# one to restore, and leave it set. Blocks hold the lock (reentrant: a block may open another).
_LOCK = threading.RLock()


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    """`name` set to `value` for the duration, then as it was (unset if it was unset)."""
    with _LOCK:
        before = os.environ.get(name)
        os.environ[name] = value
        try:
            yield
        finally:
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before
