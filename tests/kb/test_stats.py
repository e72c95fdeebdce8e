"""`medkb.stats` and `kb stats`: one typed result, printed by --json under the keys it always had."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import medkb
from medkb.kb.cli.app import app


def test_stats_is_typed_and_the_cli_prints_its_dict(built_home):
    summary = medkb.stats("th", home=built_home, top=3)
    assert summary.lang == "th" and summary.tables["passages"] > 100
    assert [c.mentions for c in summary.top_concepts] == sorted((c.mentions for c in summary.top_concepts), reverse=True)
    assert len(summary.top_concepts) == 3 and summary.last_build.build_id >= 1
    printed = json.loads(CliRunner().invoke(app, ["stats", "--lang", "th", "--home", str(built_home), "--top", "3", "--json"]).stdout)
    assert printed == summary.to_dict()
    assert set(printed) == {"lang", "path", "tables", "concepts_by_source", "mentions_by_method", "top_concepts", "last_build"}
    assert set(printed["top_concepts"][0]) == {"concept_id", "label", "mentions"}
    assert set(printed["last_build"]) == {"build_id", "finished_at", "tool_version", "timings"}
