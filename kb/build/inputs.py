"""What a build reads: corpus files found under the folders a user names, and their fingerprints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from medkb.ingest.readers import SUPPORTED_SUFFIXES
from medkb.store.errors import UsageError


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    file_id: str  # path below its corpus root, without the suffix: the default document id
    size: int
    mtime_ns: int


def has_supported_suffix(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in SUPPORTED_SUFFIXES)


def _file_id(path: Path, root: Path, prefix: str) -> str:
    relative = path.relative_to(root).as_posix() if path != root else path.name
    for suffix in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True):
        if relative.lower().endswith(suffix):
            relative = relative[: -len(suffix)]
            break
    return prefix + relative


def find_corpus_files(roots: list[Path]) -> list[CorpusFile]:
    """Supported files below each root (or the root itself when it is a file), sorted.

    With several roots, document ids carry the root's name so that two
    `intro.md` files in different folders stay two documents.
    """
    found = []
    for root in roots:
        if not root.exists():
            raise UsageError(f"corpus not found: {root}")
        prefix = f"{root.name}/" if len(roots) > 1 and root.is_dir() else ""
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and has_supported_suffix(p) and not _hidden(p, root))
        for path in paths:
            stat = path.stat()
            found.append(CorpusFile(path.resolve(), _file_id(path, root, prefix), stat.st_size, stat.st_mtime_ns))
    if not found:
        listed = ", ".join(str(r) for r in roots)
        raise UsageError(f"no corpus files in {listed} (medkb reads {', '.join(SUPPORTED_SUFFIXES)})")
    return found


def unsupported_files(roots: list[Path]) -> list[dict[str, str]]:
    """Files below the corpus folders that no reader takes, each with the reason (a folder walk used to
    pass over them without a word: "7 files read, 2 skipped" for 9 files, a .docx and a .csv unlisted)."""
    found = []
    for root in (r for r in roots if r.is_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not has_supported_suffix(p) and not _hidden(p, root)):
            suffix = "".join(path.suffixes[-2:]) or "no suffix"
            found.append({"path": str(path.resolve()), "reason": f"unsupported file type ({suffix})"})
    return found


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
