"""`kb build`: corpus files and terminologies into a language's DuckDB concept store.

A build is incremental and atomic. Files whose bytes have not changed are not
read again; changed and new files are processed alone; removed files leave
the store. All writing happens in a copy beside the store, which replaces it
only when the build has succeeded, so a failed or interrupted build leaves
the previous store exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from medkb import corpora
from medkb.ingest.mentions import abbreviations
from medkb.ingest.pipeline import IngestSettings, TermSource, process_file, terminologies
from medkb.ingest.readers import ReadOptions
from medkb.ingest.segment import PassageSettings
from medkb.kb.build.corpus_terms import refresh_abbreviation_concepts, refresh_discovered_terms, write_terminologies
from medkb.kb.build.inputs import CorpusFile, find_corpus_files, unsupported_files
from medkb.kb.build.parallel import Execution, file_parts, run_sharded
from medkb.kb.build.shards import merge_shards
from medkb.kb.build.writer import collision_problem, write_file_result
from medkb.retrieve.index import ensure_index
from medkb.store import database
from medkb.store.errors import InputError, UsageError
from medkb.store.fingerprint import sha256_of
from medkb.store.languages import LANGUAGES, get_language
from medkb.store.lock import build_lock
from medkb.store.schema import SCHEMA_VERSION
from medkb.store.version import __version__

Progress = Callable[[int, int, str], None]  # (files done, files to do, current file)
COMMIT_BYTES = 16 * 1024 * 1024  # of input read in one transaction: see _Build._written


@dataclass
class BuildReport:
    """What `medkb.build` (and `kb build --json`) reports of a build."""

    lang: str
    path: str
    status: str  # "built" or "up to date"
    files_read: int = 0
    files_reused: int = 0
    files_removed: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"path", "problem"} for each unreadable file
    ignored: list[dict] = field(default_factory=list)  # {"path", "reason"} for each file of a corpus folder no reader takes
    problems: list[dict] = field(default_factory=list)  # {"path", "problem"} for records left out of read files
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    index: dict | None = None  # the retrieval index's manifest (retrieve.index)
    unavailable: list[str] = field(default_factory=list)  # steps of this language the installed packages cannot run

    def to_dict(self) -> dict:
        return asdict(self)


def build(
    lang: str,
    *,
    corpus: Sequence[str | Path] | None = None,
    terms: Sequence[str | Path] | None = None,
    home: str | Path | None = None,
    seed_lexicon: bool = True,
    strict: bool = False,
    passage_tokens: int = 160,
    overlap_tokens: int = 32,
    embedder: str | None = "auto",
    engine: str = "auto",
    progress: Progress | None = None,
    workers: int = 1,
    cluster: str | None = None,
    shards: str | Path | None = None,
    keep_shards: bool = False,
) -> BuildReport:
    """Build or update the `lang` store under `home` from corpus folders or files and terminologies.

    Incremental and atomic: unchanged files are not read again, and a failed build leaves the old
    store as it was. The retrieval index is then brought up to date. The store is the same
    whether files are processed here, by worker processes or on a Dask cluster.

    Args:
        lang: the language code of the store (th, zh, ja, ko, sw, yo or en).
        corpus: corpus folders (read recursively) or files; default: the embedded `corpora/<lang>/`.
        terms: terminology files: TSV, HPO babelon TSV, OBO or lexicon.
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        seed_lexicon: add the embedded seed lexicon to `terms`.
        strict: fail on any unreadable file or record instead of skipping it.
        passage_tokens: the most word tokens in a passage.
        overlap_tokens: word tokens of whole sentences that consecutive passages share.
        embedder: passage vectors of the index: "auto" (the index's own, else the measured
            default if installed), use, e5, a sentence-transformers model on disk, or None (BM25 only).
        engine: the BM25 engine: "auto" (the index's own, else bm25s), bm25s or lucene.
        progress: called with (files done, files to do, current file) as the build goes.
        workers: processes that read and match files (with `cluster="local"`: the cluster's workers).
        cluster: run the per-file work on Dask: "local", or a scheduler address such as
            tcp://scheduler:8786.
        shards: the folder for the Parquet shards of `cluster`; with an address, on storage
            every worker sees (default: beside the store).
        keep_shards: keep the shards after they are merged into the store.

    Returns:
        The `BuildReport`: files read, reused, removed and skipped, counts, timings, the index.

    Raises:
        UsageError: an unknown language, a missing or empty corpus, bad settings.
        InputError: with `strict`, a file or record that cannot be read.
    """
    started = time.perf_counter()
    language = get_language(lang)
    passages = _passage_settings(passage_tokens, overlap_tokens)
    execution = Execution(workers, cluster, Path(shards) if shards else None, keep_shards)
    roots = [Path(c) for c in corpus] if corpus else [corpora.corpus_dir(language.code)]
    files = find_corpus_files(roots)
    settings = _settings(language.code, terms or [], seed_lexicon, passages)
    target = database.store_path(language.code, home)
    target.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(target):
        report = _Build(target, settings, files, strict, progress, started, execution).run()
    report.ignored = unsupported_files(roots)
    report.unavailable = _unavailable(language.code)
    t = time.perf_counter()
    report.index = asdict(ensure_index(language.code, home, embedder, progress=progress, engine=engine))
    report.timings["index_s"] = round(time.perf_counter() - t, 3)
    return report


def _passage_settings(passage_tokens: int, overlap_tokens: int) -> PassageSettings:
    """The passage sizes, checked before any file is looked at: out of range, they are the caller's mistake."""
    try:
        return PassageSettings(passage_tokens, overlap_tokens)
    except ValueError as error:  # PassageSettings checks its own ranges, and raises nothing else
        raise UsageError(f"{error} (passage_tokens={passage_tokens}, overlap_tokens={overlap_tokens})") from None


def _settings(lang: str, terms: Sequence[str | Path], seed_lexicon: bool, passages: PassageSettings) -> IngestSettings:
    paths = ([corpora.SEED_LEXICON] if seed_lexicon else []) + [Path(t) for t in terms]
    for path in paths:
        if not path.is_file():
            raise UsageError(f"terminology not found: {path}")
    sources = tuple(TermSource(str(p.resolve()), sha256_of(p), _unmarked_label_lang(p, lang)) for p in paths)
    return IngestSettings(
        lang=lang,
        passages=passages,
        read=ReadOptions(lang=lang),
        terms=sources,
        abbreviations=lang == "en" and abbreviations.available(),
    )


def _unavailable(lang: str) -> list[str]:
    """This language's build steps that the installed packages cannot run: every report says so."""
    return [abbreviations.UNAVAILABLE] if lang == "en" and not abbreviations.available() else []


def _unmarked_label_lang(path: Path, lang: str) -> str | None:
    """The build language for a terminology's unmarked label columns, unless its name says otherwise."""
    prefix = path.name.split("_", 1)[0].lower()
    return None if prefix in LANGUAGES and "_" in path.name else lang


def settings_key(settings: IngestSettings) -> str:
    """What every stored row depends on besides its own file: a change rebuilds everything."""
    described = {"tool": __version__, "schema": SCHEMA_VERSION, "settings": asdict(settings)}
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()


class _Build:
    def __init__(self, target: Path, settings: IngestSettings, files: list[CorpusFile], strict, progress, started, execution):
        self.target = target
        self.execution = execution
        self.settings = settings
        self.files = files
        self.strict = strict
        self.progress = progress
        self.started = started
        self.key = settings_key(settings)
        self.report = BuildReport(settings.lang, str(target), "built")
        self.started_at = _utc_now()
        self.uncommitted_bytes = 0

    def run(self) -> BuildReport:
        previous = self._previous_state()
        reuse = previous is not None and previous["settings_key"] == self.key
        known = previous["files"] if reuse and previous else {}
        changed, unchanged, hashes = self._compare(known)
        removed = set(known) - {str(f.path) for f in self.files}
        if reuse and not changed and not removed:
            return self._up_to_date(unchanged)
        temporary = self.target.with_name(f".{self.target.name}.building-{os.getpid()}")
        try:
            if reuse:
                shutil.copyfile(self.target, temporary)
            self._write(temporary, changed, removed, hashes, fresh=not reuse)
            os.replace(temporary, self.target)
        finally:
            temporary.unlink(missing_ok=True)
            temporary.with_name(temporary.name + ".wal").unlink(missing_ok=True)
        self.report.files_reused = len(unchanged)
        self.report.files_removed = len(removed)
        return self.report

    def _previous_state(self) -> dict | None:
        if not self.target.exists():
            return None
        with database.connect(self.target, read_only=True) as con:
            build_row = database.latest_build(con)
            if build_row is None:
                return None
            rows = con.execute("SELECT path, size, mtime_ns, sha256 FROM files").fetchall()
        return build_row | {"files": {path: (size, mtime, sha) for path, size, mtime, sha in rows}}

    def _compare(self, known: dict) -> tuple[list[CorpusFile], list[CorpusFile], dict[str, str]]:
        """Split files into changed and unchanged; hash only those whose size or time moved."""
        changed, unchanged, hashes = [], [], {}
        for file in self.files:
            size, mtime, sha = known.get(str(file.path), (None, None, None))
            if (size, mtime) != (file.size, file.mtime_ns):
                hashes[str(file.path)] = new_sha = sha256_of(file.path)
                if new_sha != sha:
                    changed.append(file)
                    continue
            unchanged.append(file)
        return changed, unchanged, hashes

    def _up_to_date(self, unchanged: list[CorpusFile]) -> BuildReport:
        self.report.status = "up to date"
        self.report.files_reused = len(unchanged)
        with database.connect(self.target, read_only=True) as con:
            self.report.counts = database.table_counts(con)
            self._report_file_problems(con)
        self.report.timings["total_s"] = round(time.perf_counter() - self.started, 3)
        return self.report

    def _write(self, path: Path, changed, removed, hashes, fresh: bool) -> None:
        timings = self.report.timings
        with database.connect(path) as con:
            database.create_tables(con)
            con.execute("BEGIN")
            database.delete_files(con, [str(f.path) for f in changed] + sorted(removed))
            self._refresh_moved_files(con, hashes, changed)
            t = time.perf_counter()
            if fresh:
                write_terminologies(con, self.settings, terminologies(self.settings.terms))
            timings["terminologies_s"] = round(time.perf_counter() - t, 3)
            t = time.perf_counter()
            self._ingest(con, changed, hashes)
            timings["ingest_s"] = round(time.perf_counter() - t, 3)
            t = time.perf_counter()
            refresh_abbreviation_concepts(con)
            refresh_discovered_terms(con, self.settings.lang)
            timings["corpus_terms_s"] = round(time.perf_counter() - t, 3)
            self.report.counts = database.table_counts(con)
            self._report_file_problems(con)
            self._fail_if_nothing_was_read()
            timings["total_s"] = round(time.perf_counter() - self.started, 3)
            self._record_build(con)
            con.execute("COMMIT")
            con.execute("CHECKPOINT")

    def _refresh_moved_files(self, con, hashes: dict[str, str], changed: list[CorpusFile]) -> None:
        """Files touched but not changed keep their rows; only their recorded size and time move."""
        changed_paths = {str(f.path) for f in changed}
        for file in self.files:
            if str(file.path) in hashes and str(file.path) not in changed_paths:
                con.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", [file.size, file.mtime_ns, str(file.path)])

    def _ingest(self, con, changed: list[CorpusFile], hashes: dict[str, str]) -> None:
        if self.execution.in_process or not changed:
            self._ingest_here(con, changed, hashes)
        else:
            self._ingest_sharded(con, changed, hashes)
        self.report.files_read = len(changed)

    def _ingest_here(self, con, changed: list[CorpusFile], hashes: dict[str, str]) -> None:
        taken_ids = {row[0] for row in con.execute("SELECT doc_id FROM documents").fetchall()}
        for done, file in enumerate(changed):
            if self.progress:
                self.progress(done, len(changed), f"reading {file.file_id}")
            try:
                problems = self._write_in_parts(con, file, taken_ids)
            except InputError as error:
                if self.strict:
                    raise
                self._record_file(con, file, hashes, "skipped", [error.problem])
                continue
            self._fail_if_strict(file, problems)
            self._record_file(con, file, hashes, "ok", problems)
        if self.progress:
            self.progress(len(changed), len(changed), "read")

    def _write_in_parts(self, con, file: CorpusFile, taken_ids: set[str]) -> list[str]:
        """A file's rows part by part, so that a large JSONL file's results are never all held at once."""
        problems = []
        parts = file_parts(file)
        for part in parts:
            result = process_file(file.path, file.file_id, self.settings, part)
            problems += result.problems + write_file_result(con, result, taken_ids)
            self._written(con, file.size // len(parts))
        return problems

    def _written(self, con, input_bytes: int) -> None:
        """Commit after every COMMIT_BYTES of input. DuckDB holds a transaction's small inserts in memory
        until it commits: a build in one transaction grew by 18 MB for every thousand synthetic passages,
        and a million of them ran out of 24 GB. The build writes to a temporary copy of the store, deleted
        if it fails, so committing on the way costs no atomicity."""
        self.uncommitted_bytes += input_bytes
        if self.uncommitted_bytes >= COMMIT_BYTES:
            con.execute("COMMIT")
            con.execute("BEGIN")
            self.uncommitted_bytes = 0

    def _ingest_sharded(self, con, changed: list[CorpusFile], hashes: dict[str, str]) -> None:
        """Files processed elsewhere into Parquet shards, merged here in corpus order (kb.parallel)."""
        with run_sharded(changed, self.settings, self.execution, self.target, self.progress) as (folder, statuses):
            left_out = defaultdict(list)
            for file_index, doc_id in merge_shards(con, folder):
                left_out[file_index].append(collision_problem(doc_id))
        for index, (file, status) in enumerate(zip(changed, statuses)):
            if status.status == "skipped":
                if self.strict:
                    raise InputError(file.path, status.problems[0])
                self._record_file(con, file, hashes, "skipped", status.problems)
                continue
            problems = status.problems + left_out[index]
            self._fail_if_strict(file, problems)
            self._record_file(con, file, hashes, "ok", problems)

    def _fail_if_strict(self, file: CorpusFile, problems: list[str]) -> None:
        if self.strict and problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise InputError(file.path, problems[0] + more)

    def _fail_if_nothing_was_read(self) -> None:
        """A store with no document is no knowledge base: the build fails, naming each file's problem, and
        the previous store stays (an empty one used to replace it, and the index step then crashed)."""
        if self.report.counts.get("documents", 0) == 0:
            lines = "\n".join(f"  {entry['path']}: {entry['problem']}" for entry in self.report.skipped)
            raise UsageError(f"no corpus file could be read, so the {self.settings.lang} store was left as it was:\n{lines}")

    @staticmethod
    def _record_file(con, file: CorpusFile, hashes: dict[str, str], status: str, problems: list[str]) -> None:
        row = (str(file.path), file.file_id, file.size, file.mtime_ns, hashes[str(file.path)], status, problems)
        database.insert(con, "files", [row])

    def _report_file_problems(self, con) -> None:
        """Problems of every file in the store, including unchanged ones reported by earlier builds."""
        rows = con.execute("SELECT path, status, problems FROM files WHERE len(problems) > 0 ORDER BY path").fetchall()
        for path, status, problems in rows:
            if status == "skipped":
                self.report.skipped.append({"path": path, "problem": "; ".join(problems)})
            else:
                self.report.problems += [{"path": path, "problem": p} for p in problems]

    def _record_build(self, con) -> None:
        build_id = con.execute("SELECT coalesce(max(build_id), 0) + 1 FROM builds").fetchone()[0]
        inputs = {"corpus_files": len(self.files), "terminologies": [asdict(t) for t in self.settings.terms]}
        database.insert(
            con,
            "builds",
            [
                (
                    build_id,
                    self.started_at,
                    _utc_now(),
                    __version__,
                    SCHEMA_VERSION,
                    self.settings.lang,
                    database.to_json(asdict(self.settings)),
                    self.key,
                    database.to_json(inputs),
                    database.to_json(self.report.counts),
                    database.to_json(self.report.timings),
                    database.to_json({"skipped": self.report.skipped, "problems": self.report.problems}),
                )
            ],
        )


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
