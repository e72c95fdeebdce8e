"""`kb align`: link a language's concepts to English concepts and write the concept graph edges.

Evidence, kept on every `same_as` edge:
- shared id: the concept carries English labels under the same id (seed lexicon, a bilingual terminology);
- shared code: an ICD-10 or ATC code that an English concept also carries;
- the combined aligner (align.aligner) for every other concept (discovered terms, abbreviation
  concepts), against the English labels of the `en` store and of this store;
- context: how many of the concept's co-occurring, already aligned neighbours have their English
  counterparts co-occurring with the proposed English concept (needs an `en` store).
A proposal is kept when the best English candidate leads the second by `margin` or more; otherwise
the concept stays unaligned rather than being forced onto a wrong concept.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from medkb.align.aligner import Aligner
from medkb.align.knowledge import file_pairs, store_pairs
from medkb.align.relations import intra_language_edges
from medkb.store import database
from medkb.store.embedders import DEFAULT_EMBEDDERS
from medkb.store.languages import PIVOT, get_language
from medkb.store.lock import build_lock
from medkb.store.schema import FULL_FORM_KINDS, node_id

# Lead of the best English candidate over the second (fused score, after competition).
# On the TICO dev pairs (cross-fit) a lead of 0.2 keeps 91% correct links: bench/align_quality.py.
DEFAULT_MARGIN = 0.2


@dataclass
class AlignReport:
    """What `medkb.align` (and `kb align --json`) reports: edges by relation, unaligned concepts."""

    lang: str
    path: str
    counts: dict = field(default_factory=dict)
    unaligned: list = field(default_factory=list)  # (concept id, label) of concepts left without an English link
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def align(
    lang: str,
    *,
    home: str | Path | None = None,
    knowledge: Sequence[str | Path] | None = None,
    embedders: list[str] | None = None,
    margin: float = DEFAULT_MARGIN,
) -> AlignReport:
    """Align the `lang` store's concepts to English concepts and rewrite its `edges` (the concept graph's).

    English is the pivot: for `en` only the edges within the store are written.

    Args:
        lang: the language code of the store to align (its English store must be built, but for en).
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        knowledge: term pair TSV files (local and English columns) to learn translations from.
        embedders: the embedders of the aligner: use, e5, or sentence-transformers models on disk
            (default: use and e5).
        margin: the lead over the second-best English candidate that a proposed link needs.

    Returns:
        The `AlignReport`: edges by relation, and the concepts left without an English link.

    Raises:
        UsageError: an unknown language, or a store that is not built.
    """
    lang = get_language(lang).code
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    path = database.store_path(lang, home)
    local = _read_concepts(lang, home)
    edges: list[tuple] = []
    proposals: list[tuple] = []
    unaligned: list[tuple[str, str]] = []  # (concept id, label)
    if lang != PIVOT:
        english = _english_concepts(lang, home)
        edges = _shared_id_edges(lang, local, english) + _shared_code_edges(lang, local, english)
        aligned = {edge[0] for edge in edges}
        rest = {cid: c for cid, c in local.items() if node_id(lang, cid) not in aligned and c["labels"]}
        known = store_pairs(lang, home) + file_pairs([Path(k) for k in knowledge or []])
        proposals, unaligned = _propose(lang, rest, english, known, tuple(embedders or DEFAULT_EMBEDDERS), margin, home)
    report = AlignReport(lang, str(path), unaligned=unaligned)
    with build_lock(path), database.connect(path) as con:
        database.create_tables(con)
        within = intra_language_edges(con, lang)
        if proposals:
            context = _context_scores(within, edges, home)
            edges += [_with_context(edge, context) for edge in proposals]
        _write(
            con,
            lang,
            edges + within,
            started,
            {"margin": margin, "embedders": list(embedders or DEFAULT_EMBEDDERS), "knowledge": [str(k) for k in knowledge or []]},
        )
        report.counts = dict(con.execute("SELECT relation, count(*) FROM edges GROUP BY relation ORDER BY relation").fetchall())
    report.counts["unaligned"] = len(unaligned)
    report.seconds = round(time.perf_counter() - clock, 3)
    return report


def _read_concepts(lang: str, home) -> dict[str, dict]:
    """Concepts of a store: their labels in `lang`, English labels and codes."""
    with database.open_existing(lang, home) as con:
        concepts = {
            cid: {"codes": json.loads(codes or "{}"), "labels": [], "english": []}
            for cid, codes in con.execute("SELECT concept_id, codes FROM concepts").fetchall()
        }
        rows = con.execute("SELECT concept_id, lang, text, kind FROM labels ORDER BY concept_id, kind, text").fetchall()
    for cid, label_lang, text, kind in rows:
        concept = concepts.get(cid)
        if concept is None or kind not in FULL_FORM_KINDS:
            continue
        if label_lang == lang:
            concept["labels"].append(text)
        elif label_lang == PIVOT:
            concept["english"].append(text)
    return concepts


def _english_concepts(lang: str, home) -> dict[str, dict]:
    """English concepts: those of the `en` store, and English-labelled concepts of the local store."""
    english: dict[str, dict] = {}
    if database.store_path(PIVOT, home).exists():
        english = {cid: {"codes": c["codes"], "labels": c["labels"]} for cid, c in _read_concepts(PIVOT, home).items() if c["labels"]}
    for cid, concept in _read_concepts(lang, home).items():
        if concept["english"] and cid not in english:
            english[cid] = {"codes": concept["codes"], "labels": concept["english"]}
    return english


def _shared_id_edges(lang, local, english) -> list[tuple]:
    return [
        (node_id(lang, cid), node_id(PIVOT, cid), "same_as", 1.0, ["shared_id"], database.to_json({"shared_id": cid}))
        for cid in sorted(local)
        if cid in english
    ]


def _shared_code_edges(lang, local, english) -> list[tuple]:
    by_code = defaultdict(set)
    for cid, concept in english.items():
        for system, code in _codes(concept["codes"]):
            by_code[system, code].add(cid)
    edges = []
    for cid in sorted(local):
        if cid in english:
            continue
        for system, code in _codes(local[cid]["codes"]):
            for target in sorted(by_code.get((system, code), ())):
                evidence = {"shared_code": {"system": system, "code": code}}
                edges.append((node_id(lang, cid), node_id(PIVOT, target), "same_as", 0.9, ["shared_code"], database.to_json(evidence)))
    return edges


def _codes(codes: dict):
    for system, values in codes.items():
        for value in values if isinstance(values, list) else [values]:
            yield system, value


def _propose(lang, concepts, english, known, embedders, margin, home) -> tuple[list[tuple], list]:
    """The combined aligner over every English label; one label per candidate, concepts behind it."""
    if not concepts or not english:
        return [], [(cid, c["labels"][0]) for cid, c in sorted(concepts.items())]
    owners: dict[str, list[str]] = defaultdict(list)
    for cid, concept in english.items():
        for label in concept["labels"]:
            owners[label].append(cid)
    candidates = list(owners)
    aligner = Aligner(lang, known, embedders, cache_dir=database.store_path(lang, home).parent / "cache")
    terms = [c["labels"][0] for c in concepts.values()]
    ranked = aligner.rank(terms, aligner.prepare(candidates), top=2)
    proposals, unaligned = [], []
    for (cid, concept), matches in zip(concepts.items(), ranked):
        lead = matches[0].score - (matches[1].score if len(matches) > 1 else 0.0)
        if lead < margin:
            unaligned.append((cid, concept["labels"][0]))
            continue
        best = matches[0]
        evidence = {"term": concept["labels"][0], "english": best.english, "lead": round(lead, 4), "scores": best.evidence, "ranks": best.ranks}
        methods = best.proposed_by() or ["combined"]
        for target in owners[best.english]:
            proposals.append((node_id(lang, cid), node_id(PIVOT, target), "same_as", round(best.score, 4), methods, evidence))
    return proposals, unaligned


def _context_scores(within, anchors, home) -> dict[tuple[str, str], float]:
    """Share of a concept's aligned co-occurring neighbours whose English partners co-occur with the target."""
    english_store = database.store_path(PIVOT, home)
    if not english_store.exists():
        return {}
    with database.connect(english_store, read_only=True) as con:
        english_related = _neighbours(intra_language_edges(con, PIVOT))
    partner = {source: target for source, target, *_ in anchors}
    local_related = _neighbours(within)
    scores = {}
    for node, neighbours in local_related.items():
        partners = {partner[n] for n in neighbours if n in partner}
        if partners:
            for target in set().union(*(english_related.get(p, set()) for p in partners)):
                scores[node, target] = len(partners & english_related.get(target, set())) / len(partners)
    return scores


def _neighbours(edges) -> dict[str, set[str]]:
    related = defaultdict(set)
    for source, target, relation, *_ in edges:
        if relation == "related":
            related[source].add(target)
    return related


def _with_context(edge: tuple, context: dict) -> tuple:
    source, target, relation, score, methods, evidence = edge
    share = context.get((source, target), 0.0)
    if share:
        evidence = evidence | {"context": round(share, 4)}
        methods = [*methods, "context"]
    return (source, target, relation, score, methods, database.to_json(evidence))


def _write(con, lang: str, edges: list[tuple], started, settings: dict) -> None:
    """Replace the store's edges in one transaction: a failed run leaves the old graph."""
    build = database.latest_build(con)
    con.execute("BEGIN")
    con.execute("DELETE FROM edges")
    database.insert(con, "edges", edges)
    run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM align_runs").fetchone()[0]
    counts = dict(con.execute("SELECT relation, count(*) FROM edges GROUP BY relation").fetchall())
    database.insert(
        con,
        "align_runs",
        [
            (
                run_id,
                started,
                datetime.now(timezone.utc),
                lang,
                build["build_id"] if build else None,
                database.to_json(settings),
                database.to_json(counts),
            )
        ],
    )
    con.execute("COMMIT")
