"""A build says which of its language's steps the installed packages cannot run: English
abbreviation detection needs scispacy (medkb[abbrev]), which the lucene environment cannot have."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from medkb.ingest.mentions import abbreviations
from medkb.kb.build.builder import build
from medkb.kb.cli.app import app


@pytest.fixture
def without_scispacy(monkeypatch):
    """As the lucene environment is (there scispacy is absent for real, and nothing is patched)."""
    if abbreviations.available():
        monkeypatch.setattr(abbreviations, "available", lambda: False)


def test_an_english_build_without_scispacy_says_so_in_its_json_report(tmp_path, without_scispacy):
    result = CliRunner().invoke(app, ["build", "--lang", "en", "--home", str(tmp_path), "--embedder", "none", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [step] = report["unavailable"]  # the step it skipped, and what to install for it
    assert step.startswith("English abbreviation detection: scispacy is not installed") and "medkb[abbrev]" in step
    assert report["counts"]["abbreviations"] == 0


def test_an_english_build_without_scispacy_says_so_on_the_terminal(tmp_path, without_scispacy):
    result = CliRunner().invoke(app, ["build", "--lang", "en", "--home", str(tmp_path), "--embedder", "none"])
    assert result.exit_code == 0, result.output
    assert "unavailable English abbreviation detection: scispacy is not installed" in " ".join(result.output.split())


@pytest.mark.abbreviations
def test_with_scispacy_an_english_build_finds_abbreviations_and_misses_nothing(tmp_path):
    report = build("en", home=tmp_path, embedder=None)
    assert report.unavailable == [] and report.counts["abbreviations"] > 0


def test_other_languages_miss_nothing_without_scispacy(tmp_path, without_scispacy):
    assert build("th", home=tmp_path, embedder=None).unavailable == []
