"""Model replies on disk, keyed by model, messages and parameters: a re-run asks nothing again."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


class ReplyCache:
    """One JSON file per request, written atomically, so that concurrent stages and runs can share it."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @staticmethod
    def key(request: dict) -> str:
        canonical = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def get(self, key: str) -> dict | None:
        path = self._path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, or damaged: asked again, not trusted
            return None

    def put(self, key: str, reply: dict) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(reply, file, ensure_ascii=False)
        os.replace(temporary, path)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"
