"""medkb's search inside other retrieval frameworks, each an optional extra.

- `retrieve.adapters.langchain.MedkbRetriever`: a LangChain retriever (`pip install 'medkb[langchain]'`).
- `retrieve.adapters.llamaindex.MedkbRetriever`: a LlamaIndex retriever (`pip install 'medkb[llamaindex]'`).
- `retrieve.adapters.haystack.MedkbRetriever`: a Haystack component (`pip install 'medkb[haystack]'`).

Each opens its knowledge base on the first query and keeps it open; `close()` releases it.
"""
