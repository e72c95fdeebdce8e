"""medkb as a Haystack component: in a Pipeline, `run(query, top_k)` returns {"documents": [...]}."""

from medkb.retrieve.integration import SharedKnowledgeBase, hit_metadata
from medkb.store.extras import needs_extra

with needs_extra("haystack"):
    from haystack import Document, component


@component
class MedkbRetriever:
    """The `lang` knowledge base under `home`, searched with `mode` for the `top_k` best passages.

    A Document's content is the passage text, its id the passage id, its score the hit's score
    and its meta the rest of the hit. The init parameters are kept under their own names so that
    Haystack can serialise a pipeline holding this component.
    """

    def __init__(self, lang: str, *, home: str | None = None, top_k: int = 10, mode: str = "hybrid", query_lang: str | None = None):
        self.lang = lang
        self.home = home
        self.top_k = top_k
        self.mode = mode
        self.query_lang = query_lang  # default: guessed from each query's script
        self._base = SharedKnowledgeBase(lang, home=home)

    @component.output_types(documents=list[Document])
    def run(self, query: str, top_k: int | None = None) -> dict[str, list[Document]]:
        """The best passages for the query: `top_k` of them, default the component's own."""
        hits = self._base.search(query, k=self.top_k if top_k is None else top_k, mode=self.mode, query_lang=self.query_lang)
        return {"documents": [Document(id=hit.passage_id, content=hit.text, meta=hit_metadata(hit), score=hit.score) for hit in hits]}

    def close(self) -> None:
        self._base.close()
