"""Strings on disk read by position: their UTF-8 bytes one after another, and where each starts.

The index keeps what a search reads a few of at a time this way (each passage's record, each
passage's index terms, a sorted vocabulary searched by bisection): memory-mapped, nothing is
loaded that a search does not read, however many passages there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np


class PackedWriter:
    """Appends strings to `<name>.bin` and writes their offsets to `<name>_offsets.npy` on close."""

    def __init__(self, folder: Path, name: str):
        self.folder, self.name = folder, name
        self.out = open(folder / f"{name}.bin", "wb")
        self.offsets = [0]

    def add(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.offsets.append(self.offsets[-1] + self.out.write(text.encode("utf-8")))

    def close(self) -> None:
        self.out.close()
        np.save(self.folder / f"{self.name}_offsets.npy", np.asarray(self.offsets, dtype=np.int64))

    def __enter__(self) -> PackedWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PackedStrings:
    """The strings a PackedWriter wrote, memory-mapped; a sequence, so `bisect` searches a sorted one."""

    def __init__(self, folder: Path, name: str):
        self.data = _mapped_bytes(folder / f"{name}.bin")
        self.offsets = np.load(folder / f"{name}_offsets.npy", mmap_mode="r").view(np.ndarray)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.data[self.offsets[i] : self.offsets[i + 1]].tobytes().decode("utf-8")


def _mapped_bytes(path: Path) -> np.ndarray:
    """A plain ndarray view of the mapped file: slicing an np.memmap runs Python code each time,
    which a search does for every hit. (An empty file cannot be mapped.)"""
    return np.memmap(path, dtype=np.uint8, mode="r").view(np.ndarray) if path.stat().st_size else np.zeros(0, np.uint8)
