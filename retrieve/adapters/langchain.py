"""medkb as a LangChain retriever: `MedkbRetriever(lang="th").invoke("เบาหวาน")` returns Documents."""

from __future__ import annotations

from pathlib import Path

from medkb.retrieve.integration import SharedKnowledgeBase, hit_metadata
from medkb.store.extras import needs_extra

with needs_extra("langchain"):
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from pydantic import PrivateAttr


class MedkbRetriever(BaseRetriever):
    """The `lang` knowledge base under `home`, searched with `mode` for the `k` best passages.

    A Document's page_content is the passage text; its metadata is the rest of the hit
    (passage and document ids, score, title, section and the explanation), its id the passage id.
    """

    lang: str
    home: Path | None = None
    k: int = 10
    mode: str = "hybrid"
    query_lang: str | None = None  # default: guessed from each query's script
    _base: SharedKnowledgeBase = PrivateAttr()

    def model_post_init(self, context, /) -> None:
        super().model_post_init(context)
        self._base = SharedKnowledgeBase(self.lang, home=self.home)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self._base.search(query, k=self.k, mode=self.mode, query_lang=self.query_lang)
        return [Document(page_content=hit.text, metadata=hit_metadata(hit), id=hit.passage_id) for hit in hits]

    def close(self) -> None:
        self._base.close()
