"""The per-file work of a build spread over processes: a local pool, or a Dask cluster.

Changed files are cut into work units (a file, or a part of a large JSONL
file) and the units into batches of about `BATCH_BYTES` of input, in corpus
order. Each batch runs `process_file` on its units wherever a worker is free
and writes its rows as Parquet shards (kb.shards); only small per-file
statuses come back. The build then merges the shards into the store, so
memory stays bounded however large the corpus, and the store is the same as a
one-worker build's.
"""

from __future__ import annotations

import math
import multiprocessing
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from medkb.ingest.pipeline import FilePart, IngestSettings, process_file
from medkb.ingest.readers import holds_many_documents
from medkb.kb.build.inputs import CorpusFile
from medkb.kb.build.shards import ShardWriter
from medkb.store.errors import IngestError, InputError, UsageError

# Big enough that a task's start (a Parquet file per table) is a small share of its work, small
# enough that two workers share a 25 MB file evenly and no worker holds much at once.
BATCH_BYTES = 2 * 1024 * 1024

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Execution:
    """Where the per-file work runs: `workers` processes here, or a Dask cluster."""

    workers: int = 1
    cluster: str | None = None  # "local" (a LocalCluster of `workers` processes) or a scheduler address
    shards: Path | None = None  # Parquet shards go below it; a cluster address needs a folder every worker sees
    keep_shards: bool = False

    def __post_init__(self):
        if self.workers < 1:
            raise UsageError(f"workers must be 1 or more, not {self.workers}")
        if self.cluster not in (None, "local") and self.shards is None:
            raise UsageError("a cluster needs --shards: a folder that this machine and every worker can read and write")

    @property
    def in_process(self) -> bool:
        return self.workers == 1 and self.cluster is None


@dataclass(frozen=True)
class WorkUnit:
    file_index: int  # the file's place among the changed files: the order of rows in the store
    path: Path
    file_id: str
    part: FilePart
    size: int  # bytes of input, for sizing batches


@dataclass
class FileStatus:
    """What became of one file: "ok" (with problems: records left out) or "skipped" (with the reason)."""

    status: str
    problems: list[str] = field(default_factory=list)


def file_parts(file: CorpusFile) -> list[FilePart]:
    """A JSONL file larger than a batch in parts of about a batch; any other file whole."""
    count = max(1, math.ceil(file.size / BATCH_BYTES)) if holds_many_documents(file.path) else 1
    return [FilePart(index, count) for index in range(count)]


def work_units(files: list[CorpusFile]) -> list[WorkUnit]:
    units = []
    for index, file in enumerate(files):
        parts = file_parts(file)
        units += [WorkUnit(index, file.path, file.file_id, part, file.size // len(parts)) for part in parts]
    return units


def batches(units: list[WorkUnit]) -> list[list[WorkUnit]]:
    """Consecutive units of about BATCH_BYTES together: many small files make few shards."""
    grouped: list[list[WorkUnit]] = []
    size = BATCH_BYTES
    for unit in units:
        if size + unit.size > BATCH_BYTES:
            grouped.append([])
            size = 0
        grouped[-1].append(unit)
        size += unit.size
    return grouped


def ingest_batch(batch_id: int, units: list[WorkUnit], settings: IngestSettings, folder: Path) -> list[tuple[WorkUnit, FileStatus]]:
    """Run in a worker: process the units, write the batch's shards, return each unit's status."""
    shard = ShardWriter(folder, batch_id)
    statuses = []
    for unit in units:
        try:
            result = process_file(unit.path, unit.file_id, settings, unit.part)
        except InputError as error:
            statuses.append((unit, FileStatus("skipped", [error.problem])))
            continue
        except Exception as error:  # named here: a cluster's traceback would not say which file
            raise IngestError(f"{unit.path}: {type(error).__name__}: {error}") from error
        shard.add(unit.file_index, result)
        statuses.append((unit, FileStatus("ok", result.problems)))
    shard.write()
    return statuses


@contextmanager
def run_sharded(files: list[CorpusFile], settings: IngestSettings, execution: Execution, beside: Path, progress: Progress | None):
    """Process `files` as `execution` says; gives the folder of shards and each file's status while the shards exist."""
    groups = batches(work_units(files))
    with _shard_folder(execution, beside) as folder:
        run = _on_dask if execution.cluster else _on_pool
        statuses: dict[int, list[tuple[WorkUnit, FileStatus]]] = {}
        for done, (batch_id, batch_statuses) in enumerate(run(groups, settings, folder, execution), start=1):
            statuses[batch_id] = batch_statuses
            if progress:
                progress(done, len(groups), f"read {batch_statuses[-1][0].file_id}")
        yield folder, _file_statuses(len(files), [s for batch_id in sorted(statuses) for s in statuses[batch_id]])


def _file_statuses(n_files: int, unit_statuses: list[tuple[WorkUnit, FileStatus]]) -> list[FileStatus]:
    """One status per file from its parts': skipped if any part was (every part reads the whole file)."""
    files: dict[int, FileStatus] = {}  # by file index; every file has one part or more
    for unit, status in unit_statuses:
        current = files.get(unit.file_index)
        if current is None or (status.status == "skipped" and current.status == "ok"):
            files[unit.file_index] = FileStatus(status.status, list(status.problems))
        elif current.status == status.status == "ok":
            current.problems += status.problems
    return [files[i] for i in range(n_files)]


@contextmanager
def _shard_folder(execution: Execution, beside: Path) -> Iterator[Path]:
    """A folder of this build's own below `--shards` (default: beside the store), removed after unless kept."""
    parent = Path(execution.shards) if execution.shards else beside.parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{beside.name}.shards-", dir=parent))
    try:
        yield folder
    finally:
        if not execution.keep_shards:
            shutil.rmtree(folder, ignore_errors=True)


def _on_pool(groups, settings, folder, execution) -> Iterator[tuple[int, list]]:
    # spawn, not fork: a forked child would inherit the parent's DuckDB and thread state mid-build
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(execution.workers, len(groups)), mp_context=context) as pool:
        futures = {pool.submit(ingest_batch, i, group, settings, folder): i for i, group in enumerate(groups)}
        yield from _as_done(futures, groups, as_completed, lambda: pool.shutdown(cancel_futures=True))


def _on_dask(groups, settings, folder, execution) -> Iterator[tuple[int, list]]:
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise UsageError("--cluster needs Dask: pip install 'medkb[dask]'") from None
    with _dask_client(execution, Client, LocalCluster) as client:
        futures = {client.submit(ingest_batch, i, group, settings, folder, pure=False): i for i, group in enumerate(groups)}
        yield from _as_done(futures, groups, dask_completed, lambda: client.cancel(list(futures)))


def _as_done(futures: dict, groups, completed, cancel) -> Iterator[tuple[int, list]]:
    """Each batch's statuses as it finishes; a failed batch stops the rest and names its files."""
    for future in completed(list(futures)):
        batch_id = futures[future]
        try:
            yield batch_id, future.result()
        except IngestError:
            cancel()
            raise
        except Exception as error:  # a lost worker, a broken pool: the batch's files are all that is known
            cancel()
            names = ", ".join(str(unit.path) for unit in groups[batch_id][:3])
            raise IngestError(f"processing failed for a batch of {len(groups[batch_id])} file(s) from {names}: {error}") from error


@contextmanager
def _dask_client(execution: Execution, Client, LocalCluster):
    if execution.cluster == "local":
        cluster = LocalCluster(n_workers=execution.workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        with cluster, Client(cluster) as client:
            yield client
    else:
        with Client(execution.cluster) as client:
            yield client
