"""`kb eval reason`: a dataset through the full pipeline and through direct answering on the same model.

Each line of the JSONL file is one item: {"id", "lang", "question", "options" (a list, lettered
A, B...; or a letter: text object), "premise" (NLI; the question is the hypothesis), "answer" (the
gold letter or label), "rubric" and "reference" (open questions, scored by a judge model)}.
Multiple choice and NLI items score accuracy; open items with a rubric score the judge's 1-5 grade.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkb.reason import prompts
from medkb.reason.client import ChatClient
from medkb.reason.config import ModelConfig
from medkb.reason.pipeline import Answer, CoReasoner
from medkb.reason.question import Question
from medkb.reason.schemas import Judgement
from medkb.reason.structured import ask_structured
from medkb.store.errors import InputError, MedkbError, UsageError
from medkb.store.jsonl import json_objects
from medkb.store.results import OMITTED_IF_NONE, Result

METHODS = ("co-reasoning", "direct")


@dataclass(frozen=True)
class MethodSummary(Result):
    """How one method (co-reasoning or direct) did over the dataset."""

    accuracy: float | None  # share of multiple-choice and NLI items answered right (None: no such item)
    scored: int  # items with a gold answer
    judge_mean: float | None  # the judge's mean 1-5 grade of open items (None: none judged)
    judged: int
    errors: int  # items whose answering failed (scored wrong where they have a gold answer)
    model_calls: int
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class ReasonEvaluation(Result):
    """What `medkb.eval_reason` (and `kb eval reason --json`) reports."""

    data: str  # the dataset file
    n: int  # items
    model: str
    judge_model: str
    methods: dict[str, MethodSummary]
    # With per_item=True: each item's {"id", "kind", method: its answer and score, or its error}.
    items: list[dict[str, Any]] | None = field(default=None, metadata=OMITTED_IF_NONE)


def eval_reason(
    data: str | Path,
    *,
    home: str | Path | None = None,
    config: ModelConfig | None = None,
    judge: ModelConfig | None = None,
    methods: tuple[str, ...] = METHODS,
    per_item: bool = False,
) -> ReasonEvaluation:
    """Answer every item of a dataset with the co-reasoning pipeline and with the model alone, and score both.

    Args:
        data: JSONL, one item a line: {"id", "lang", "question", "options" (a list, or a letter:
            text object) or "premise" (NLI), "answer" (the gold letter or label)}, or "rubric"
            (and "reference") for open questions, which the judge grades.
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        config: the model to answer with (default: from the environment, `ModelConfig.from_env`).
        judge: the model that grades open answers (default: `config`'s).
        methods: co-reasoning (the pipeline), direct (the model alone), or both.
        per_item: also give every item's answers and scores.

    Returns:
        The `ReasonEvaluation`; `to_dict()` is what `kb eval reason --json` prints.

    Raises:
        UsageError: an unknown method, no model named, or no store for an item's language.
        InputError: the dataset cannot be read, or a line is not an item.
    """
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        raise UsageError(f"unknown method {', '.join(unknown)}: use {' or '.join(METHODS)}")
    items = read_items(Path(data))
    config = config or ModelConfig.from_env()
    client = ChatClient(config)
    judge_client = ChatClient(judge) if judge else client
    reasoners: dict[str, CoReasoner] = {}
    results = []
    try:
        for item in items:
            question = item["question"]
            if question.lang not in reasoners:
                reasoners[question.lang] = CoReasoner(question.lang, home, client=client)
            results.append(_run(item, reasoners[question.lang], judge_client, methods))
    finally:
        for reasoner in reasoners.values():
            reasoner.close()
    return ReasonEvaluation(
        data=str(data),
        n=len(items),
        model=config.model,
        judge_model=(judge or config).model,
        methods={method: _summary(results, method) for method in methods},
        items=results if per_item else None,
    )


def read_items(path: Path) -> list[dict]:
    """The dataset's items, or an InputError naming the line that is wrong."""
    items = []
    for number, raw in json_objects(path, "dataset items"):
        try:
            items.append(_item(raw, number))
        except (ValueError, TypeError, MedkbError) as error:
            raise InputError(path, f"line {number} is not a dataset item: {error}") from None
    return items


def _item(raw: dict, number: int) -> dict:
    missing = [name for name in ("question", "lang") if not isinstance(raw.get(name), str)]
    if missing:
        raise ValueError(f"no {' or '.join(missing)} text")
    options = raw.get("options") or []
    question = (
        Question(raw["question"], raw["lang"], dict(options), raw.get("premise"))
        if isinstance(options, dict)
        else Question.with_options(raw["question"], raw["lang"], options, raw.get("premise"))
    )
    gold = raw.get("answer")
    if question.kind != "open":
        if gold is None:
            raise ValueError(f"a {question.kind} item needs its gold answer")
        gold = question.normalise_answer(str(gold))
    return {"id": str(raw.get("id", number)), "question": question, "gold": gold, "rubric": raw.get("rubric"), "reference": raw.get("reference")}


def _run(item: dict, reasoner: CoReasoner, judge_client: ChatClient, methods: tuple[str, ...]) -> dict:
    result = {"id": item["id"], "kind": item["question"].kind}
    for method in methods:
        try:
            answer = reasoner.ask(item["question"]) if method == "co-reasoning" else reasoner.direct(item["question"])
            result[method] = _score(item, answer, judge_client)
        except MedkbError as error:  # one failed item, answer or judgement, is scored wrong and reported, not the end of the run
            result[method] = {"error": str(error), "correct": False if item["gold"] is not None else None}
    return result


def _score(item: dict, answer: Answer, judge_client: ChatClient) -> dict:
    scored = {"answer": answer.answer, "citations": answer.citations, **(answer.trace.totals() if answer.trace else {})}
    if item["gold"] is not None:
        scored["correct"] = answer.answer == item["gold"]
    elif item["rubric"]:
        record: list = []
        grade = ask_structured(
            judge_client, prompts.judge(item["question"], f"{answer.answer}\n\n{answer.rationale}", item["rubric"], item["reference"]), Judgement, record
        )
        scored["judge"] = grade.score
        scored["judge_rationale"] = grade.rationale
    return scored


def _summary(results: list[dict], method: str) -> MethodSummary:
    scored = [r[method] for r in results]
    graded = [s["correct"] for s in scored if s.get("correct") is not None]
    judged = [s["judge"] for s in scored if "judge" in s]
    return MethodSummary(
        accuracy=round(sum(graded) / len(graded), 4) if graded else None,
        scored=len(graded),
        judge_mean=round(sum(judged) / len(judged), 4) if judged else None,
        judged=len(judged),
        errors=sum(1 for s in scored if "error" in s),
        model_calls=sum(s.get("model_calls", 0) for s in scored),
        prompt_tokens=sum(s.get("prompt_tokens", 0) for s in scored),
        completion_tokens=sum(s.get("completion_tokens", 0) for s in scored),
    )
