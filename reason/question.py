"""A question as the pipeline takes it: multiple choice, natural-language inference, or open."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from medkb.store.errors import UsageError
from medkb.store.languages import get_language

NLI_LABELS = ("entailment", "neutral", "contradiction")
OPTION_LETTERS = "ABCDEFGHIJ"
OPTION_ANSWER = re.compile(r"\(?([A-Ja-j])\)?(?=$|[\s.):])")  # "B", "(b)", "B. metformin"


@dataclass(frozen=True)
class Question:
    text: str  # for NLI: the hypothesis
    lang: str
    options: dict[str, str] = field(default_factory=dict)  # letter: text, for multiple choice
    premise: str | None = None  # for NLI

    def __post_init__(self):
        if not self.text or not self.text.strip():
            raise UsageError("the question is empty")
        object.__setattr__(self, "lang", get_language(self.lang).code)
        if self.options and self.premise:
            raise UsageError("a question has options (multiple choice) or a premise (NLI), not both")

    @classmethod
    def with_options(cls, text: str, lang: str, options: list[str] | None = None, premise: str | None = None) -> Question:
        """Options given in order are lettered A, B, C..."""
        options = options or []
        if len(options) > len(OPTION_LETTERS):
            raise UsageError(f"at most {len(OPTION_LETTERS)} options, not {len(options)}")
        return cls(text, lang, dict(zip(OPTION_LETTERS, options)), premise)

    @property
    def kind(self) -> str:
        return "mc" if self.options else "nli" if self.premise else "open"

    def normalise_answer(self, answer: str) -> str:
        """The answer as a letter (mc) or a label (nli); ValueError names what was expected."""
        answer = answer.strip()
        if self.kind == "mc":
            letter = OPTION_ANSWER.match(answer)
            if not letter or letter.group(1).upper() not in self.options:
                raise ValueError(f"answer {answer!r} is not one of the option letters {', '.join(self.options)}")
            return letter.group(1).upper()
        if self.kind == "nli":
            label = answer.lower().strip(". ")
            if label not in NLI_LABELS:
                raise ValueError(f"answer {answer!r} is not one of {', '.join(NLI_LABELS)}")
            return label
        return answer

    def to_dict(self) -> dict:
        return asdict(self) | {"kind": self.kind}
