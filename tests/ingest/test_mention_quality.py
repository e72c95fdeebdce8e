"""Disease mentions on the NCBI disease corpus's development half, as `kb build` finds them by default.

The thresholds are issue 17's: precision at least 0.85, F1 at least 0.70 (with every label matched
after case folding and the ontology's root "disease" matched, precision was 0.761 and F1 0.679; see
ingest/mentions/label_policy.py). The figures come from `bench/mention_quality.py`, which the README quotes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "mention_quality.py"


@pytest.mark.abbreviations
def test_disease_mentions_are_precise_and_find_most_gold_mentions(shared_data, tmp_path):
    report_path = tmp_path / "report.json"
    run = subprocess.run([sys.executable, str(BENCH), "--json", str(report_path)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert (report["documents"], report["gold"]) == (100, 787)
    assert report["precision"] >= 0.85, report["false_positives"]
    assert report["f1"] >= 0.70, report["misses"]
    assert report["concept_precision"] >= 0.70  # the ontology's MeSH and OMIM xrefs name the gold's concepts
    false_positives = dict(report["false_positives"])
    assert "as" not in false_positives and "age" not in false_positives and "disease" not in false_positives
