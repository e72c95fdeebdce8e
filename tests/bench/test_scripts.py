"""Every benchmark script in bench/ runs once on a tiny input, as a user runs it (a subprocess of this
Python, PYTHONPATH inherited), and prints its report: a benchmark that no test runs rots unseen."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def run(script: str, *args) -> str:
    """The script's standard output, after it exited 0."""
    done = subprocess.run([sys.executable, str(BENCH / f"{script}.py"), *map(str, args)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"bench/{script}.py exited {done.returncode}:\n{done.stderr[-4000:]}"
    return done.stdout


def test_retrieve_speed(tmp_path):
    # 300 passages with the approximate index from 100 on: the path of stores past ANN_MIN_PASSAGES.
    out = run("retrieve_speed", "--sizes", 300, "--queries", 20, "--warmup", 2, "--ann-min-passages", 100,
              "--work", tmp_path / "work", "--json", tmp_path / "speed.json")
    assert "| 300 | medkb hybrid (ANN) |" in out and "| 300 | dense ANN, query vector given, top 100 (recall@10 " in out
    assert "Goal bm25 overhead < 2x raw bm25s at 300" in out
    query = json.loads((tmp_path / "speed.json").read_text())["results"][0]["query"]
    assert query["ann"] and set(query["medkb"]) == {"bm25", "dense", "hybrid"}
    assert 0 <= query["ann_recall_at_10"] <= 1 and set(query["ann_recall_by_kind"]) == {"label", "label+words", "words"}
    assert len(query["paired"]["medkb"]) == len(query["paired"]["bm25s"]) == 20
