"""`kb eval align` (align.evaluate): accuracy on real pairs, and the pairs under evaluation never leaking.

Stores: the session's `built_home` (th and en as `kb build` leaves them). eval_align only reads the
stores; it keeps its English candidate embeddings in built_home/cache, shared with the TICO test of
test_store_alignment.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medkb.align.alignment_eval import AlignEvaluation, eval_align
from medkb.kb.build.builder import build
from medkb.kb.cli.app import app
from medkb.store.errors import InputError

KEYS = {"n", "acc@1", "acc@10", "mrr"}
# Everything `kb eval align --json` has printed since it was written.
JSON_KEYS = KEYS | {"lang", "pairs", "candidates", "gold_not_in_candidates", "folds", "methods", "knowledge"}
# memory + use: cheap (no e5, no learning) and sharp for leaks: memory weighs 100, so a leaked
# pair puts its gold first, while without leaks memory only knows the seed lexicon.
MEMORY_AND_USE = ["memory", "use"]


@pytest.fixture(scope="module")
def tico(shared_data) -> tuple[Path, Path]:
    return shared_data / "terms" / "th_tico_dev.tsv", shared_data / "terms" / "en_tico.tsv"


@pytest.fixture(scope="module")
def copies(tico, tmp_path_factory) -> Path:
    """th_tico_dev.tsv and en_tico.tsv copied into a folder of their own."""
    folder = tmp_path_factory.mktemp("tico")
    for path in tico:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def combined(tico, built_home) -> AlignEvaluation:
    return eval_align("th", pairs=tico[0], candidates=tico[1], home=built_home)


@pytest.fixture(scope="module")
def baseline(copies, built_home) -> AlignEvaluation:
    """memory + use on the copies, with the store's knowledge only."""
    return eval_align("th", pairs=copies / "th_tico_dev.tsv", candidates=copies / "en_tico.tsv", home=built_home, methods=MEMORY_AND_USE, knowledge=[])


def _check_metrics(result: AlignEvaluation) -> None:
    assert KEYS <= set(result.to_dict())
    assert result.n == 330  # distinct Thai terms of th_tico_dev.tsv (341 pairs)
    assert 0 <= result.acc_at_1 <= result.acc_at_10 <= 1
    assert result.acc_at_1 <= result.mrr <= 1


def test_combined_aligner_reports_the_metrics(combined):
    _check_metrics(combined)
    assert combined.gold_not_in_candidates == 0  # every en_term is a line of en_tico.tsv
    assert combined.methods == ["memory", "translation", "transliteration", "use", "e5"]
    assert combined.knowledge.files == []  # th_tico_dev.tsv is the only th_*.tsv beside it: excluded


def test_combined_beats_use_alone(combined, tico, built_home):
    use = eval_align("th", pairs=tico[0], candidates=tico[1], home=built_home, methods=["use"])
    _check_metrics(use)
    # Measured: combined 0.600 acc@1 against 0.561 for use alone (13 terms of 330); assert 7.
    assert combined.acc_at_1 >= use.acc_at_1 + 0.02
    assert combined.mrr > use.mrr


def test_single_methods_get_no_credit_for_ties(tico, built_home):
    # memory knows only the seed lexicon here, so nearly every term scores 0 against every
    # candidate. Ties count against the gold: acc@1 must be near 0, not near 1.
    memory = eval_align("th", pairs=tico[0], candidates=tico[1], home=built_home, methods=["memory"])
    assert memory.acc_at_1 < 0.05  # measured 0.009 (3 seed-lexicon terms)


def test_the_file_under_test_is_excluded_from_knowledge_by_content(copies, baseline, built_home):
    pairs, candidates = copies / "th_tico_dev.tsv", copies / "en_tico.tsv"
    renamed = copies / "th_renamed_copy.tsv"  # same bytes, another name: still excluded
    shutil.copy(pairs, renamed)
    extra = copies / "th_extra.tsv"  # a genuine pair file beside it: included
    extra.write_text("local_term\ten_term\nยาหลอก\tplacebo\n", encoding="utf-8")
    try:
        found = eval_align("th", pairs=pairs, candidates=candidates, home=built_home, methods=["memory"])
        assert found.knowledge.files == [str(extra.resolve())]
        assert found.knowledge.pairs == baseline.knowledge.pairs + 1
        given = eval_align("th", pairs=pairs, candidates=candidates, home=built_home, methods=MEMORY_AND_USE, knowledge=[pairs, renamed])
        assert given.knowledge.files == []
        assert given.knowledge.pairs == baseline.knowledge.pairs
        assert given.acc_at_1 == baseline.acc_at_1
    finally:
        renamed.unlink()
        extra.unlink()


def test_a_changed_copy_would_leak(copies, baseline, built_home, tmp_path):
    """The control for the exclusion tests: the same pairs in a file of other bytes do inform memory."""
    changed = tmp_path / "th_changed.tsv"
    changed.write_bytes((copies / "th_tico_dev.tsv").read_bytes() + b"\n")
    leaked = eval_align("th", pairs=copies / "th_tico_dev.tsv", candidates=copies / "en_tico.tsv", home=built_home, methods=MEMORY_AND_USE, knowledge=[changed])
    assert leaked.acc_at_1 > 0.95
    assert baseline.acc_at_1 < 0.7  # measured 0.558


def test_a_store_built_from_the_pairs_file_does_not_leak(copies, baseline, tmp_path):
    pairs = copies / "th_tico_dev.tsv"
    build("th", terms=[pairs], home=tmp_path)
    result = eval_align("th", pairs=pairs, candidates=copies / "en_tico.tsv", home=tmp_path, methods=MEMORY_AND_USE, knowledge=[])
    assert result.knowledge.pairs == baseline.knowledge.pairs  # the tico terminology is left out
    assert result.acc_at_1 < 0.7
    assert abs(result.acc_at_1 - baseline.acc_at_1) <= 0.02


def test_a_pairs_file_without_a_local_column_is_an_input_error(tmp_path, tico, built_home):
    english_only = tmp_path / "th_english_only.tsv"
    english_only.write_text("id\ten_label\nX:1\tfever\n", encoding="utf-8")
    with pytest.raises(InputError, match="no local column") as raised:
        eval_align("th", pairs=english_only, candidates=tico[1], home=built_home, methods=["memory"])
    assert raised.value.path == str(english_only)
    assert str(english_only) in str(raised.value)


def test_two_folds_learn_from_the_other_half(tico, built_home):
    # translation alone learns only from knowledge; with folds=2 half of the TICO pairs join it.
    one = eval_align("th", pairs=tico[0], candidates=tico[1], home=built_home, methods=["translation"])
    two = eval_align("th", pairs=tico[0], candidates=tico[1], home=built_home, methods=["translation"], folds=2)
    _check_metrics(two)
    assert two.folds == 2 and two.knowledge.pairs == one.knowledge.pairs
    # Measured: acc@1 0.036 and acc@10 0.124 with the store's pairs alone; 0.245 and 0.527 with
    # the other fold too.
    assert two.acc_at_1 >= one.acc_at_1 + 0.1
    assert two.acc_at_10 >= one.acc_at_10 + 0.2


def test_cli_prints_one_json_object(tico, built_home):
    pairs, candidates = tico
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "align",
            "--lang",
            "th",
            "--pairs",
            str(pairs),
            "--candidates",
            str(candidates),
            "--home",
            str(built_home),
            "--method",
            "memory",
            "--method",
            "use",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    [line] = result.stdout.strip().splitlines()
    report = json.loads(line)
    assert set(report) == JSON_KEYS and report["methods"] == MEMORY_AND_USE
    assert set(report["knowledge"]) == {"pairs", "files"}
    assert 0 <= report["acc@1"] <= report["acc@10"] <= 1


def test_cli_reports_an_input_error_without_a_traceback(tmp_path, tico, built_home):
    english_only = tmp_path / "th_english_only.tsv"
    english_only.write_text("en_term\nfever\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "align",
            "--lang",
            "th",
            "--pairs",
            str(english_only),
            "--candidates",
            str(tico[1]),
            "--home",
            str(built_home),
        ],
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {english_only}: no local column")
