"""The co-reasoning pipeline (after Med-CoReasoner): reason in the local language and in English in
parallel, abstract both traces into concept chains, pair the concepts through the knowledge bases,
fuse the chains by position, retrieve local and English evidence by concept, and synthesise a cited
answer in the local language. Every stage's output is validated and recorded in a trace."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from medkb.reason import prompts
from medkb.reason.chain_fusion import Step, fuse
from medkb.reason.chain_pairing import Link, ground, pair
from medkb.reason.client import ChatClient
from medkb.reason.config import ModelConfig
from medkb.reason.evidence import Evidence, gather, queries_for
from medkb.reason.question import Question
from medkb.reason.schemas import ConceptChain, Reasoning, Synthesis, Translation
from medkb.reason.structured import ask_structured
from medkb.reason.trace import Trace
from medkb.retrieve.searcher import KnowledgeBase
from medkb.store import database
from medkb.store.errors import UsageError
from medkb.store.languages import PIVOT

PASSAGES = 8  # passages given to the synthesis


@dataclass
class Answer:
    """What `medkb.ask` (and `kb ask --json`) gives: the answer, its rationale and citations, the evidence, the chain, the trace."""

    question: Question
    method: str  # co-reasoning, or direct (one reasoning call, the baseline)
    answer: str  # an option letter, an NLI label, or the answer text
    rationale: str
    citations: list[str] = field(default_factory=list)  # ids of `passages`
    passages: list[Evidence] = field(default_factory=list)
    chain: list[Step] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    english: Question | None = None
    trace: Trace | None = None

    def to_dict(self) -> dict:
        return {
            "question": self.question.to_dict(),
            "method": self.method,
            "answer": self.answer,
            "rationale": self.rationale,
            "citations": self.citations,
            "passages": [p.to_dict() for p in self.passages],
            "chain": [s.to_dict() for s in self.chain],
            "links": [link.to_dict() for link in self.links],
            "english": self.english.to_dict() if self.english else None,
            "totals": self.trace.totals() if self.trace else None,
            "warnings": self.trace.warnings if self.trace else [],
        }


class CoReasoner:
    """Answers questions in `lang` with the stores under `home` and the model of `config`."""

    def __init__(
        self,
        lang: str,
        home: str | Path | None = None,
        config: ModelConfig | None = None,
        client: ChatClient | None = None,
        passages: int = PASSAGES,
        embedder: str | None = "auto",
    ):
        self.client = client or ChatClient(config or ModelConfig.from_env())
        with ExitStack() as stores:  # a store that fails to open closes those opened before it
            self.kb = stores.enter_context(KnowledgeBase(lang, home=home, embedder=embedder))
            self.lang = self.kb.lang
            has_english = self.lang != PIVOT and database.store_path(PIVOT, home).exists()
            self.english_kb = stores.enter_context(KnowledgeBase(PIVOT, home=home, embedder=embedder)) if has_english else None
            self._stores = stores.pop_all()
        self.passages = passages

    def close(self) -> None:
        self._stores.close()

    def __enter__(self) -> CoReasoner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def ask(self, question: Question, english: Question | None = None) -> Answer:
        """The full pipeline. `english` is the question in English, translated by the model if not given."""
        self._check_lang(question)
        trace = Trace(question.to_dict(), self.client.config.public())
        if self.english_kb is None and self.lang != "en":
            trace.warn(f"no English store beside the {self.lang} one: English evidence is left out (run `kb build --lang en`)")
        if question.lang == "en":
            english = question
        elif english is None:
            english = self._translate(question, trace)
        chains = self._reason_and_abstract(question, english, trace)
        with trace.stage("align") as stage:
            items = {lang: ground(chain.concepts, lang, self.kb, self.english_kb) for lang, chain in chains.items()}
            links = pair(items[question.lang], items["en"], self.kb.embedder) if question.lang != "en" else []
            stage.output = {"items": {lang: [i.to_dict() for i in its] for lang, its in items.items()}, "links": [link.to_dict() for link in links]}
        with trace.stage("fuse") as stage:
            steps = fuse(items["en"], items[question.lang], links) if question.lang != "en" else [Step(item) for item in items["en"]]
            stage.output = [step.to_dict() for step in steps]
        passages = self._retrieve(question, english, steps, trace)
        synthesis = self._synthesise(question, steps, passages, trace)
        trace.finish()
        return Answer(question, "co-reasoning", synthesis.answer, synthesis.rationale, synthesis.citations, passages, steps, links, english, trace)

    def direct(self, question: Question) -> Answer:
        """The baseline: the same model answering the question in its language in one call."""
        self._check_lang(question)
        trace = Trace(question.to_dict(), self.client.config.public())
        reasoning = self._reason(question, question.lang, trace)
        trace.finish()
        return Answer(question, "direct", reasoning.answer, reasoning.reasoning, trace=trace)

    def _check_lang(self, question: Question) -> None:
        if question.lang != self.lang:
            raise UsageError(f"a {question.lang} question asked of the {self.lang} knowledge base")

    def _translate(self, question: Question, trace: Trace) -> Question:
        def check(value: Translation) -> None:
            if set(value.options) != set(question.options):
                raise ValueError(f"the options must keep the letters {', '.join(question.options) or '(none)'}, not {', '.join(value.options) or '(none)'}")
            if bool(value.premise) != bool(question.premise):
                raise ValueError("translate the premise" if question.premise else "the question has no premise")

        with trace.stage("translate") as stage:
            value = ask_structured(self.client, prompts.translate(question), Translation, stage.calls, check)
            stage.output = value.model_dump()
        return Question(value.question, "en", value.options, value.premise)

    def _reason_and_abstract(self, question: Question, english: Question, trace: Trace) -> dict[str, ConceptChain]:
        """Each language's reasoning then its concept chain, the languages in parallel."""
        branches = {question.lang: question, "en": english}
        with ThreadPoolExecutor(max_workers=len(branches)) as pool:
            futures = {lang: pool.submit(self._branch, asked, lang, trace) for lang, asked in branches.items()}
            return {lang: future.result() for lang, future in futures.items()}

    def _branch(self, question: Question, lang: str, trace: Trace) -> ConceptChain:
        reasoning = self._reason(question, lang, trace)
        with trace.stage(f"chain:{lang}") as stage:
            chain = ask_structured(self.client, prompts.chain(reasoning, lang), ConceptChain, stage.calls)
            stage.output = chain.model_dump()
        if not chain.concepts:
            trace.warn(f"the {lang} reasoning gave no concepts: its side of the chain is empty")
        return chain

    def _reason(self, question: Question, lang: str, trace: Trace) -> Reasoning:
        def check(value: Reasoning) -> None:
            value.answer = question.normalise_answer(value.answer)

        with trace.stage(f"reason:{lang}") as stage:
            value = ask_structured(self.client, prompts.reason(question, lang), Reasoning, stage.calls, check, self.client.config.temperature)
            stage.output = value.model_dump()
        return value

    def _retrieve(self, question: Question, english: Question, steps: list[Step], trace: Trace) -> list[Evidence]:
        stores = {self.lang: self.kb} | ({"en": self.english_kb} if self.english_kb else {})
        texts = {q.lang: " ".join(filter(None, (q.premise, q.text))) for q in (question, english)}
        with trace.stage("retrieve") as stage:
            queries = queries_for(texts, steps, list(stores))
            passages = gather(queries, stores, self.passages)
            stage.output = {"queries": [q.describe() for q in queries], "passages": [{"id": p.id, "score": p.score, "found_by": p.found_by} for p in passages]}
        return passages

    def _synthesise(self, question: Question, steps: list[Step], passages: list[Evidence], trace: Trace) -> Synthesis:
        given = [p.id for p in passages]

        def check(value: Synthesis) -> None:
            value.answer = question.normalise_answer(value.answer)
            unknown = [c for c in value.citations if c not in given]
            if unknown:
                raise ValueError(f"citations {', '.join(unknown)} are not ids of the given passages ({', '.join(given) or 'none'})")
            value.citations = list(dict.fromkeys(value.citations))

        with trace.stage("synthesise") as stage:
            messages = prompts.synthesise(question, [s.to_dict() for s in steps], [p.for_prompt() for p in passages])
            value = ask_structured(self.client, messages, Synthesis, stage.calls, check)
            stage.output = value.model_dump()
        if passages and not value.citations:
            trace.warn("the answer cites none of the passages it was given")
        return value
