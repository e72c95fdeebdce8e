"""The per-file work of a build: read, segment, find mentions.

`process_file` depends on nothing but the file and the `IngestSettings`, so
that it can run in worker processes, or on a cluster, unchanged: the
terminology matcher is rebuilt from the settings once per process.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from medkb.ingest.mentions import abbreviations
from medkb.ingest.mentions.discovery import candidate_terms
from medkb.ingest.mentions.matcher import Match, TermMatcher
from medkb.ingest.readers import ReadOptions, read_path
from medkb.ingest.readers.quality import text_problems
from medkb.ingest.segment import PassageSettings, Token, cut_passages
from medkb.ingest.segment.normalize import normalize
from medkb.ingest.segment.tokenize import chunk_docs, tokens_of
from medkb.ingest.terms import Terminology, load_terminology
from medkb.store.records import Document, Mention, Passage


@dataclass(frozen=True)
class TermSource:
    path: str
    sha256: str  # part of the settings, so that an edited terminology rebuilds the store
    lang: str | None  # the language of unmarked label columns, when the file name does not say


@dataclass(frozen=True)
class IngestSettings:
    lang: str
    passages: PassageSettings = PassageSettings()
    read: ReadOptions | None = None
    terms: tuple[TermSource, ...] = ()
    abbreviations: bool = False  # English only, and only where scispacy is installed


@dataclass
class DocumentResult:
    doc_id: str
    document: Document
    passages: list[Passage]
    mentions: list[Mention]
    abbreviations: list[tuple[str, str, str]]  # (short form, long form, concept id)
    candidates: Counter[str]


@dataclass
class FileResult:
    path: str
    documents: list[DocumentResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    first_document: int = 0  # the file's index of documents[0]: a part's documents start inside the file


@dataclass(frozen=True)
class FilePart:
    """Share `index` of `count` contiguous shares of a file's documents.

    A large JSONL file is processed in parts, so that its documents spread
    over workers and no process holds a whole file's results. Every part
    reads the whole file, which keeps document ids, duplicate checks and
    line numbers exactly as one reading gives them. Reading is a small share
    of the work (0.6 s of 60 for MedQuAD), and a process keeps the file it
    read last for the next part it is given.
    """

    index: int = 0
    count: int = 1

    def bounds(self, n_documents: int) -> tuple[int, int]:
        return self.index * n_documents // self.count, (self.index + 1) * n_documents // self.count


WHOLE_FILE = FilePart()


def process_file(path: Path, file_id: str, settings: IngestSettings, part: FilePart = WHOLE_FILE) -> FileResult:
    """Everything the store needs from one corpus file, or one part of it. Raises InputError for an unreadable file.

    The file's own problems (bad JSONL lines) go with its first part.
    """
    if part.count == 1:
        documents, problems = _read_documents(path, file_id, settings)
    else:
        stat = path.stat()
        documents, problems = _read_documents_once(path, file_id, settings, stat.st_size, stat.st_mtime_ns)
    start, end = part.bounds(len(documents))
    return FileResult(
        str(path),
        [process_document(doc_id, document, settings) for doc_id, document in documents[start:end]],
        list(problems) if part.index == 0 else [],
        first_document=start,
    )


def _read_documents(path: Path, file_id: str, settings: IngestSettings) -> tuple[list[tuple[str, Document]], list[str]]:
    """The file's documents under their ids (the file's id when the format has none), and its problems."""
    read = read_path(path, settings.read or ReadOptions(lang=settings.lang))
    single = len(read.documents) == 1
    documents, problems = [], list(read.problems)
    for index, document in enumerate(read.documents):
        if not document.title:
            document.title = Path(file_id).name
        doc_id = document.doc_id or (file_id if single else f"{file_id}/{index}")
        documents.append((doc_id, document))
        problems += [problem if single else f"document {doc_id}: {problem}" for problem in text_problems(settings.lang, document.text)]
    return documents, problems


@lru_cache(maxsize=1)
def _read_documents_once(path: Path, file_id: str, settings: IngestSettings, size: int, mtime_ns: int):
    """`_read_documents` kept for the next part of the same file; size and time stand for its content, as in a build."""
    return _read_documents(path, file_id, settings)


def process_document(doc_id: str, document: Document, settings: IngestSettings) -> DocumentResult:
    lang = settings.lang
    docs = chunk_docs(lang, document.text)
    tokens = tokens_of(lang, document.text, docs)
    passages = cut_passages(doc_id, document, tokens, lang, settings.passages)
    matcher = terminology_matcher(settings)
    starts = [t.start for t in tokens]
    passage_tokens = {p.passage_id: _passage_tokens(p, tokens, starts) for p in passages}
    mentions = [m for p in passages for m in _mentions(p, matcher.find(p.text, passage_tokens[p.passage_id]), "terminology")]
    found_abbreviations: list[tuple[str, str, str]] = []
    if settings.abbreviations and lang == "en":
        found_abbreviations = _link_abbreviations(abbreviations.find_abbreviations(docs), matcher)
        mentions += _abbreviation_mentions(lang, found_abbreviations, passages, passage_tokens, mentions)
    return DocumentResult(doc_id, document, passages, mentions, found_abbreviations, candidate_terms(lang, document, tokens))


def _passage_tokens(passage: Passage, tokens: list[Token], starts: list[int]) -> list[Token]:
    """The document's tokens inside a passage, with offsets into the passage text."""
    first, last = bisect_left(starts, passage.start), bisect_left(starts, passage.end)
    return [Token(t.start - passage.start, t.end - passage.start, t.norm, t.is_word) for t in tokens[first:last] if t.end <= passage.end]


def _mentions(passage: Passage, matches: list[Match], method: str) -> list[Mention]:
    return [Mention(concept_id, passage.passage_id, m.start, m.end, passage.text[m.start : m.end], method) for m in matches for concept_id in m.concept_ids]


def abbreviation_concept_id(long_form: str) -> str:
    return "abbr:" + re.sub(r"\W+", "_", normalize(long_form)).strip("_")


def _link_abbreviations(found: list[abbreviations.Abbreviation], matcher: TermMatcher) -> list[tuple[str, str, str]]:
    """Each definition tied to the terminology concept its long form names, or to a new one."""
    linked: list[tuple[str, str, str]] = []
    for abbreviation in found:
        concept_ids = matcher.concepts_for(abbreviation.long) or [abbreviation_concept_id(abbreviation.long)]
        linked.extend((abbreviation.short, abbreviation.long, cid) for cid in concept_ids)
    return linked


def _abbreviation_mentions(lang, linked, passages, passage_tokens, existing: list[Mention]) -> list[Mention]:
    """Every use of a defined short form (and long form) in its document: definitions hold document-wide."""
    doc_matcher = TermMatcher(lang, [(text, cid) for short, long, cid in linked for text in (short, long)])
    seen = {(m.passage_id, m.start, m.end, m.concept_id) for m in existing}
    found = []
    for passage in passages:
        found_here = doc_matcher.find(passage.text, passage_tokens[passage.passage_id])
        for mention in _mentions(passage, found_here, "abbreviation"):
            if (mention.passage_id, mention.start, mention.end, mention.concept_id) not in seen:
                found.append(mention)
    return found


@lru_cache(maxsize=4)
def terminologies(terms: tuple[TermSource, ...]) -> list[Terminology]:
    return [load_terminology(Path(source.path), lang=source.lang) for source in terms]


@lru_cache(maxsize=4)
def terminology_matcher(settings: IngestSettings) -> TermMatcher:
    """The matcher for the build language's labels of every terminology (once per process)."""
    labels = [
        (label.text, concept.concept_id)
        for terminology in terminologies(settings.terms)
        for concept in terminology.concepts
        for label in concept.labels
        if label.lang == settings.lang
    ]
    return TermMatcher(settings.lang, labels)
