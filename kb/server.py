"""`kb serve`: search, lookup and concepts of the built knowledge bases over HTTP, described by OpenAPI.

Status codes: 422 when a parameter breaks what the OpenAPI description states (an empty or too
long query, k out of range, a mode not listed); 400 when medkb refuses a well-formed request (an
unknown query language, dense search of an index without vectors); 404 for a language this server
does not serve or an unknown concept. Every error body is {"detail": ...}.

There is no authentication: the server listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import ipaddress
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from medkb.align.graph import store_langs
from medkb.retrieve.hits import Hit
from medkb.retrieve.integration import SharedKnowledgeBase
from medkb.retrieve.lookup import ConceptRecord, lookup_concepts
from medkb.retrieve.searcher import MAX_QUERY_CHARS, KnowledgeBase, Mode
from medkb.store.database import default_home
from medkb.store.errors import MedkbError, UsageError
from medkb.store.extras import needs_extra
from medkb.store.schema import node_id
from medkb.store.version import __version__

with needs_extra("serve"):
    import uvicorn
    from fastapi import FastAPI, HTTPException, Query, Request
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel

MAX_K = 100  # KnowledgeBase allows 1000, but an HTTP answer that long is more likely a mistake than a need
NOT_BLANK = r"\S"  # a query of spaces alone is refused by the schema, like an empty one


class SearchResults(BaseModel):
    query: str
    lang: str
    mode: str
    hits: list[Hit]


class LookupResults(BaseModel):
    term: str
    lang: str
    concepts: list[ConceptRecord]


def create_app(*, home: str | Path | None = None, langs: list[str] | None = None) -> FastAPI:
    """The API over the knowledge bases of `langs` (default: every store in `home`), opened now so
    that a missing store or a stale index shows before the first request rather than in it."""
    bases = {lang: SharedKnowledgeBase(lang, home=home) for lang in _served_langs(home, langs)}
    for base in bases.values():
        base.open()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        for base in bases.values():
            base.close()

    app = FastAPI(
        title="medkb",
        version=__version__,
        lifespan=lifespan,
        description="Concept-level, cross-lingual search of multilingual clinical knowledge bases.",
    )
    app.add_exception_handler(MedkbError, _refused)
    _add_routes(app, bases)
    return app


def serve(*, home: str | Path | None = None, host: str = "127.0.0.1", port: int = 8000, langs: list[str] | None = None) -> None:
    """Serve search, lookup and concepts of the knowledge bases over HTTP until interrupted.

    Args:
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        host: the address to listen on; any but a loopback address lets other machines in
            (there is no authentication).
        port: the TCP port to listen on.
        langs: the languages to serve (default: every store in `home`).

    Raises:
        UsageError: no store to serve, or a store of `langs` missing.
        MissingExtra: the serve extra (fastapi, uvicorn) is not installed.
    """
    if not _is_loopback(host):
        print(f"warning: listening on {host}: other machines can reach this API, which has no authentication", file=sys.stderr)
    uvicorn.run(create_app(home=home, langs=langs), host=host, port=port)


def _add_routes(app: FastAPI, bases: dict[str, SharedKnowledgeBase]) -> None:
    # Sync endpoints: FastAPI runs them in a thread pool, and each knowledge base takes one at a time.

    def served(lang: str) -> SharedKnowledgeBase:
        if lang not in bases:
            raise HTTPException(404, f"no {lang!r} knowledge base on this server; it serves {', '.join(bases)}")
        return bases[lang]

    @app.get("/search", response_model=SearchResults, summary="The best passages for a query, and why each was found")
    def search(
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, pattern=NOT_BLANK, description="What to search for, in any of medkb's languages.")],
        lang: Annotated[str, Query(description="The knowledge base to search (a language code).")],
        k: Annotated[int, Query(ge=1, le=MAX_K, description="How many passages to return.")] = 10,
        mode: Annotated[Mode, Query(description="hybrid (BM25 + dense + concepts, fused), bm25 or dense.")] = "hybrid",
        query_lang: Annotated[str | None, Query(description="The query's language (default: guessed from its script).")] = None,
    ) -> SearchResults:
        hits = served(lang).search(q, k=k, mode=mode, query_lang=query_lang)
        return SearchResults(query=q, lang=lang, mode=mode, hits=hits)

    @app.get("/lookup", response_model=LookupResults, summary="The concepts a term names, with labels, alignments and evidence")
    def lookup(
        term: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, pattern=NOT_BLANK, description="A term, a label or a concept id.")],
        lang: Annotated[str, Query(description="The knowledge base to look in (a language code).")],
        term_lang: Annotated[str | None, Query(description="The term's language (default: guessed from its script).")] = None,
    ) -> LookupResults:
        with served(lang).using() as base:
            concepts = base.lookup(term, term_lang=term_lang)
        return LookupResults(term=term, lang=lang, concepts=concepts)

    @app.get("/concepts/{lang}/{concept_id:path}", response_model=ConceptRecord, summary="One concept by its id")
    def concept(lang: str, concept_id: str) -> ConceptRecord:
        with served(lang).using() as base:
            record = _concept(base, concept_id)
        if record is None:
            raise HTTPException(404, f"no concept {concept_id!r} in the {lang} knowledge base")
        return record

    @app.get("/health", summary="Whether the server is up, and the languages it serves")
    def health() -> dict:
        return {"status": "ok", "langs": list(bases)}


def _served_langs(home: str | Path | None, langs: list[str] | None) -> list[str]:
    served = store_langs(home, langs or None)
    if not served:
        raise UsageError(f"no knowledge base in {home or default_home()}: run `kb build --lang LANG` first")
    return served


def _concept(base: KnowledgeBase, concept_id: str) -> ConceptRecord | None:
    """The record of one of the store's concepts, or None if it has no such concept."""
    known = base.con.execute("SELECT 1 FROM concepts WHERE concept_id = ?", [concept_id]).fetchone() is not None
    return lookup_concepts(base.con, base.graph, base.lang, [node_id(base.lang, concept_id)])[0] if known else None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # another host name: it may well resolve to an outside address
        return False


async def _refused(request: Request, error: Exception) -> JSONResponse:
    """The answer to a MedkbError (the one exception it is registered for): the request was refused."""
    return JSONResponse(status_code=400, content={"detail": str(error)})
