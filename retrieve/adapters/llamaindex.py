"""medkb as a LlamaIndex retriever: `MedkbRetriever("th").retrieve("เบาหวาน")` returns scored TextNodes."""

from __future__ import annotations

from pathlib import Path

from medkb.retrieve.integration import SharedKnowledgeBase, hit_metadata
from medkb.store.extras import needs_extra

with needs_extra("llamaindex"):
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

# Kept on the node but out of the text LlamaIndex hands to LLMs and embedders: noise there.
HIDDEN_METADATA = ["passage_id", "doc_id", "score", "explanation"]


class MedkbRetriever(BaseRetriever):
    """The `lang` knowledge base under `home`, searched with `mode` for the `k` best passages.

    A node's text is the passage, its id the passage id, its metadata the rest of the hit.
    """

    def __init__(
        self,
        lang: str,
        *,
        home: str | Path | None = None,
        k: int = 10,
        mode: str = "hybrid",
        query_lang: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)  # callback_manager, verbose...
        self.k = k
        self.mode = mode
        self.query_lang = query_lang  # default: guessed from each query's script
        self._base = SharedKnowledgeBase(lang, home=home)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._base.search(query_bundle.query_str, k=self.k, mode=self.mode, query_lang=self.query_lang)
        return [
            NodeWithScore(
                node=TextNode(
                    id_=hit.passage_id,
                    text=hit.text,
                    metadata=hit_metadata(hit),
                    excluded_llm_metadata_keys=HIDDEN_METADATA,
                    excluded_embed_metadata_keys=HIDDEN_METADATA,
                ),
                score=hit.score,
            )
            for hit in hits
        ]

    def close(self) -> None:
        self._base.close()
