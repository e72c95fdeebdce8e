"""One build at a time per store: a lock file beside it, taken atomically."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from medkb.store.errors import UsageError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def build_lock(target: Path):
    lock = target.with_name(f".{target.name}.lock")
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            holder = lock.read_text().strip()
            if holder.isdigit() and _alive(int(holder)):
                raise UsageError(f"another build (process {holder}) is writing {target}; wait for it to finish") from None
            lock.unlink(missing_ok=True)  # left by a build that was killed
    else:
        raise UsageError(f"could not take the build lock {lock}")
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)
