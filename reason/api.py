"""`kb.ask`: one question through the pipeline (the Python side of `kb ask`)."""
from __future__ import annotations

from pathlib import Path

from medkb.reason.config import ModelConfig
from medkb.reason.pipeline import PASSAGES, Answer, CoReasoner
from medkb.reason.question import Question
from medkb.store.database import default_home
from medkb.store.errors import UsageError

CACHE_FOLDER = "llm-cache"


def model_config(home: str | Path | None = None, cache: bool = True, **settings) -> ModelConfig:
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
    question: str, lang: str, options: list[str] | None = None, premise: str | None = None,
    english: str | None = None, english_options: list[str] | None = None, english_premise: str | None = None,
    home: str | Path | None = None, direct: bool = False, passages: int = PASSAGES,
    trace: str | Path | None = None, cache: bool = True, **settings,
) -> Answer:
    """Answer a question in `lang` (with options: multiple choice; with a premise: NLI, the question
    being the hypothesis). `english...` skip the translation stage; `direct` asks the model alone;
    settings are ModelConfig's (model, base_url, timeout...)."""
    asked = Question.with_options(question, lang, options, premise)
    given_english = english_version(asked, english, english_options, english_premise)
    with CoReasoner(lang, home, model_config(home, cache, **settings), passages=passages) as reasoner:
        answer = reasoner.direct(asked) if direct else reasoner.ask(asked, given_english)
    if trace and answer.trace:
        answer.trace.write(trace)
    return answer
