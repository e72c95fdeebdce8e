"""The tables of a language's concept store (documented column by column in README.md)."""

from __future__ import annotations

SCHEMA_VERSION = 1

TABLES = {
    "builds": """
        build_id INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP, tool_version VARCHAR,
        schema_version INTEGER, lang VARCHAR, settings JSON, settings_key VARCHAR, inputs JSON,
        counts JSON, timings JSON, problems JSON""",
    "files": """
        path VARCHAR, file_id VARCHAR, size BIGINT, mtime_ns BIGINT, sha256 VARCHAR,
        status VARCHAR, problems VARCHAR[]""",
    "documents": "doc_id VARCHAR, file VARCHAR, title VARCHAR, text VARCHAR, metadata JSON",
    "sections": "doc_id VARCHAR, ordinal INTEGER, path VARCHAR[], start_char INTEGER, end_char INTEGER",
    "passages": """
        passage_id VARCHAR, doc_id VARCHAR, ordinal INTEGER, section_path VARCHAR[],
        start_char INTEGER, end_char INTEGER, text VARCHAR, tokens VARCHAR[],
        token_starts INTEGER[], token_ends INTEGER[]""",
    "terminologies": "name VARCHAR, path VARCHAR, sha256 VARCHAR, n_concepts INTEGER, n_labels INTEGER",
    "concepts": "concept_id VARCHAR, source VARCHAR, semantic_type VARCHAR, codes JSON, parents VARCHAR[], attributes JSON",
    "labels": "concept_id VARCHAR, lang VARCHAR, text VARCHAR, norm VARCHAR, kind VARCHAR",
    "mentions": """
        concept_id VARCHAR, passage_id VARCHAR, doc_id VARCHAR, start_char INTEGER, end_char INTEGER,
        surface VARCHAR, method VARCHAR""",
    "abbreviations": "doc_id VARCHAR, short_form VARCHAR, long_form VARCHAR, concept_id VARCHAR",
    "term_candidates": "doc_id VARCHAR, term VARCHAR, frequency INTEGER",
    # The concept graph: written by `kb align`, never by `kb build`. Ends are node ids (see node_id).
    "edges": """
        source VARCHAR, target VARCHAR, relation VARCHAR, score DOUBLE, methods VARCHAR[], evidence JSON""",
    "align_runs": """
        run_id INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP, lang VARCHAR, build_id INTEGER,
        settings JSON, counts JSON""",
}

# Relations of the concept graph (edges.relation), each with the name it has seen from its target;
# `same_as` links a local concept to an English one, `abbreviation_of` a short form to its concept.
RELATIONS = {"same_as": "same_as", "broader": "narrower", "narrower": "broader", "abbreviation_of": "abbreviation", "related": "related"}

# labels.kind, a concept's own name before its other names (the order the concept graph names
# concepts and resolves terms in):
# - preferred: a terminology's name for the concept (an abbreviation concept's long form);
# - discovered: a term found in the corpus, its concept's only label;
# - synonym: another name a terminology gives;
# - abbreviation: a short form, defined in the corpus or given by a terminology.
LABEL_KINDS = ("preferred", "discovered", "synonym", "abbreviation")
# A concept's own name: a terminology's preferred label, or a discovered term's text.
NAME_KINDS = LABEL_KINDS[:2]
# Full forms: alignment and its known translation pairs leave short forms out, as one short form
# ("MS") stands for several concepts; abbreviation_of edges link it to its long form's concept.
FULL_FORM_KINDS = ("preferred", "discovered", "synonym")
# A terminology's names, preferred first: their words expand a query, and a concept with one is
# more than a phrase of the corpus. A discovered term is such a phrase, which BM25 finds already;
# a short form is ambiguous.
QUERY_EXPANSION_KINDS = ("preferred", "synonym")

# Tables whose rows belong to one document: removed with the file the document came from.
PER_DOCUMENT = ("sections", "passages", "mentions", "abbreviations", "term_candidates", "documents")


def node_id(lang: str, concept_id: str) -> str:
    """A graph node: the concept in one language's store, e.g. `th:medkb:diabetes_mellitus`."""
    return f"{lang}:{concept_id}"


def split_node(node: str) -> tuple[str, str]:
    lang, _, concept_id = node.partition(":")
    return lang, concept_id
