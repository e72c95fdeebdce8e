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

# Idle OpenMP threads spin by default, waiting for work: where other processes (or a server's
# threads) share the cores, one query's encoding then slows from milliseconds to seconds (measured
# with e5: 40x on 2 busy cores). Users can still choose otherwise.
WAIT_POLICY = "PASSIVE"
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


def openmp_wait_policy() -> str:
    """How idle threads of the OpenMP runtimes medkb loads wait: as the user said, else passively."""
    return os.environ.get("OMP_WAIT_POLICY") or WAIT_POLICY


@contextmanager
def loading_openmp() -> Iterator[None]:
    """For a block that loads an OpenMP runtime (e5's engine, torch, faiss): the runtime reads its wait
    policy once, as it is loaded, so the policy is set for the block only."""
    with environment_variable("OMP_WAIT_POLICY", openmp_wait_policy()):
        yield
