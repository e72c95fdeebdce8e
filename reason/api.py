"""`kb.ask`: one question through the pipeline (the Python side of `kb ask`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medkb.reason.config import ModelConfig
from medkb.reason.pipeline import PASSAGES, Answer, CoReasoner
from medkb.reason.question import Question
from medkb.store.database import default_home
from medkb.store.errors import UsageError

CACHE_FOLDER = "llm-cache"


def model_config(*, home: str | Path | None = None, cache: bool = True, **settings: Any) -> ModelConfig:
    """Settings from arguments and the environment, with the reply cache under the stores' home."""
    cache_dir = Path(home or default_home()) / CACHE_FOLDER if cache else None
    return ModelConfig.from_env(cache_dir=cache_dir, **settings)


def english_version(question: Question, text: str | None, options: list[str] | None, premise: str | None) -> Question | None:
    """The question's English version as the user gave it (None: the model translates it)."""
    if text is None:
        return None
    if len(options or []) != len(question.options) or bool(premise) != bool(question.premise):
        raise UsageError("an English version of the question needs its options and premise in English too")
    return Question.with_options(text, "en", options, premise)


def ask(
    question: str,
    lang: str,
    *,
    options: list[str] | None = None,
    premise: str | None = None,
    english: str | None = None,
    english_options: list[str] | None = None,
    english_premise: str | None = None,
    home: str | Path | None = None,
    direct: bool = False,
    passages: int = PASSAGES,
    trace: str | Path | None = None,
    cache: bool = True,
    **settings: Any,
) -> Answer:
    """Answer a clinical question with the co-reasoning pipeline over an OpenAI-compatible model.

    The model reasons in `lang` and in English; the concepts of both are aligned through the
    concept graph, local and English passages retrieved, and the answer cites them.

    Args:
        question: the question in `lang` (with a premise: the hypothesis).
        lang: the question's language code, which is also the local store's.
        options: answer options, lettered A, B, C... in order: a multiple-choice question.
        premise: the premise of an NLI question; the answer is entailment, neutral or contradiction.
        english: the question in English, when you have it (skips the translation stage).
        english_options: the options in English, with `english`.
        english_premise: the premise in English, with `english`.
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        direct: ask the model alone, in one call (the baseline), instead of the pipeline.
        passages: how many passages of the knowledge bases the answer may cite.
        trace: a JSON file to write every stage's prompts, replies, outputs, timings and tokens to.
        cache: keep model replies under `home`/llm-cache, so that a re-run asks nothing again.
        **settings: `ModelConfig` fields: model, base_url, timeout, max_retries, max_tokens...
            (None, or not given: from the environment, else the default).

    Returns:
        The `Answer`: the answer, its rationale, citations, the passages, the fused chain and the trace.

    Raises:
        UsageError: no model named, no `lang` store, or an English version without its options
            or premise.
        ModelError: the model endpoint failed or kept replying invalid JSON.
    """
    asked = Question.with_options(question, lang, options, premise)
    given_english = english_version(asked, english, english_options, english_premise)
    with CoReasoner(lang, home, model_config(home=home, cache=cache, **settings), passages=passages) as reasoner:
        answer = reasoner.direct(asked) if direct else reasoner.ask(asked, given_english)
    if trace and answer.trace:
        answer.trace.write(trace)
    return answer
