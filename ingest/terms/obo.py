"""Concepts from an OBO 1.2/1.4 ontology file: one per non-obsolete [Term] stanza.

Read: id, name (the preferred label), synonyms, is_a (parents) and ICD-10,
MeSH and OMIM xrefs (codes["icd10"], ["mesh"], ["omim"]). Other stanzas ([Typedef], [Instance]) and tags are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from medkb.ingest.terms.concepts import ConceptCollector, add_code, add_label
from medkb.ingest.terms.naming import file_stem
from medkb.ingest.terms.terminology import Terminology
from medkb.store.errors import InputError
from medkb.store.records import Concept

# Only EXACT synonyms become labels: RELATED, BROAD and NARROW synonyms name a
# neighbouring concept, and a mention matched through one would be linked to
# the wrong concept. (Scope is optional in OBO 1.2, and RELATED by default.)
LABEL_SCOPE = "EXACT"
SCOPES = frozenset({"EXACT", "RELATED", "BROAD", "NARROW"})
DEFAULT_SCOPE = "RELATED"
# OBO 1.0/1.2 spelled the scope in the tag.
LEGACY_SYNONYM_TAGS = {
    "exact_synonym": "EXACT",
    "related_synonym": "RELATED",
    "broad_synonym": "BROAD",
    "narrow_synonym": "NARROW",
}
ABBREVIATION_TYPES = frozenset({"abbreviation"})  # HPO's synonym type for abbreviations
ICD10_PREFIXES = frozenset({"ICD10", "ICD10CM", "ICD10WHO", "ICD-10", "ICD-10-CM"})
# Codes kept from xrefs, by prefix: ICD-10 (shared with the lexicon's codes), and MeSH and OMIM, which
# PubMed's indexing and the NCBI disease corpus normalise to (the Disease Ontology writes MeSH as MSH).
_XREF_SYSTEMS = {**dict.fromkeys(ICD10_PREFIXES, "icd10"), "MSH": "mesh", "MESH": "mesh", "OMIM": "omim", "MIM": "omim"}

_ESCAPES = {"n": "\n", "t": "\t", "W": " "}
_ESCAPED = re.compile(r"\\(.)")
# An unescaped `!` starts a comment. Writers put a space before one, and
# requiring it keeps an unescaped `!` inside a name ("Yes!") as text; an
# escaped `\!` has a backslash before it, so it never matches.
_COMMENT = re.compile(r"(?:^|(?<=\s))!.*$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(.*)$')


@dataclass
class _Stanza:
    kind: str  # "Term", "Typedef"...; "" for the header before the first stanza
    line: int
    tags: list[tuple[int, str, str]] = field(default_factory=list)  # (line, tag, value)


def is_obo(path: Path, text: str) -> bool:
    return path.name.removesuffix(".gz").endswith(".obo") or text.lstrip().startswith("format-version:")


def read_obo(path: Path, text: str, lang: str | None) -> Terminology:
    """Names and synonyms are taken to be in `lang`, English when it is None."""
    collector = ConceptCollector(file_stem(path))
    for stanza in _stanzas(path, text):
        if stanza.kind == "Term" and not _is_obsolete(stanza):
            _read_term(path, stanza, collector, lang or "en")
    return Terminology(name=collector.source, path=str(path), concepts=collector.concepts())


def _stanzas(path: Path, text: str) -> Iterator[_Stanza]:
    stanza = _Stanza(kind="", line=1)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("!"):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise InputError(path, f"line {number}: malformed stanza header {line!r}")
            yield stanza
            stanza = _Stanza(kind=line[1:-1].strip(), line=number)
            continue
        tag, separator, value = line.partition(":")
        if not separator or not tag.strip() or " " in tag.strip():
            raise InputError(path, f"line {number}: expected 'tag: value', found {line!r}")
        stanza.tags.append((number, tag.strip(), value.strip()))
    yield stanza


def _is_obsolete(stanza: _Stanza) -> bool:
    return any(tag == "is_obsolete" and _plain(value) == "true" for _, tag, value in stanza.tags)


def _read_term(path: Path, stanza: _Stanza, collector: ConceptCollector, lang: str) -> None:
    ids = [_first_word(value) for _, tag, value in stanza.tags if tag == "id"]
    if not ids or not ids[0]:
        raise InputError(path, f"line {stanza.line}: [Term] stanza has no id")
    concept = collector.concept(ids[0])
    for line, tag, value in stanza.tags:
        if tag == "name":
            add_label(concept, lang, _plain(value), "preferred")
        elif tag == "synonym" or tag in LEGACY_SYNONYM_TAGS:
            _add_synonym(path, line, concept, lang, value, LEGACY_SYNONYM_TAGS.get(tag))
        elif tag == "is_a":
            concept.parents.append(_first_word(value))
        elif tag == "xref":
            _add_xref(concept, _first_word(value))


def _add_synonym(path: Path, line: int, concept: Concept, lang: str, value: str, tag_scope: str | None) -> None:
    match = _QUOTED.match(value)
    if match is None:
        raise InputError(path, f"line {line}: synonym text must be in double quotes: {value!r}")
    text, rest = _unescape(match[1]).strip(), match[2].split()
    scope = tag_scope or (rest[0] if rest and rest[0] in SCOPES else DEFAULT_SCOPE)
    if scope != LABEL_SCOPE or not text:
        return
    # `synonym: "text" SCOPE [type] [xrefs]`: rest[1] is the type when it is not the xref list.
    synonym_type = rest[1] if len(rest) > 1 and not rest[1].startswith("[") else ""
    kind = "abbreviation" if synonym_type.lower() in ABBREVIATION_TYPES else "synonym"
    add_label(concept, lang, text, kind)


def _add_xref(concept: Concept, xref: str) -> None:
    prefix, separator, code = xref.partition(":")
    system = _XREF_SYSTEMS.get(prefix.upper())
    if separator and system and code:
        add_code(concept, system, code)


def _plain(value: str) -> str:
    """An unquoted tag value without its comment, escapes resolved."""
    return _unescape(_COMMENT.sub("", value)).strip()


def _first_word(value: str) -> str:
    """An identifier value: trailing modifiers (`{...}`) and descriptions dropped."""
    words = _plain(value).split()
    return words[0] if words else ""


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda match: _ESCAPES.get(match[1], match[1]), text)
