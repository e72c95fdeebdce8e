"""The retriever adapters through their real libraries: LangChain's `invoke`, LlamaIndex's `retrieve`
and a Haystack Pipeline. Each must return what `KnowledgeBase.search` returns, in the library's types."""

from __future__ import annotations

import asyncio
import importlib
import sys

import pytest

from medkb.store.extras import MissingExtra

DIABETES = "เบาหวาน"


def reference(thai_kb, query: str, k: int, **options) -> list[str]:
    return [hit.passage_id for hit in thai_kb.search(query, k=k, **options)]


@pytest.fixture(scope="module")
def langchain_retriever(built_home):
    pytest.importorskip("langchain_core")
    from medkb.retrieve.adapters.langchain import MedkbRetriever

    retriever = MedkbRetriever(lang="th", home=built_home, k=3)
    yield retriever
    retriever.close()


@pytest.fixture(scope="module")
def llamaindex_retriever(built_home):
    pytest.importorskip("llama_index.core")
    from medkb.retrieve.adapters.llamaindex import MedkbRetriever

    retriever = MedkbRetriever("th", home=built_home, k=3)
    yield retriever
    retriever.close()


@pytest.fixture(scope="module")
def haystack_pipeline(built_home):
    """The retriever feeding a prompt builder, as in a RAG pipeline."""
    haystack = pytest.importorskip("haystack")
    from haystack.components.builders import PromptBuilder

    from medkb.retrieve.adapters.haystack import MedkbRetriever

    pipeline = haystack.Pipeline()
    pipeline.add_component("medkb", MedkbRetriever("th", home=str(built_home), top_k=3))
    pipeline.add_component("prompt", PromptBuilder("Q: {{ query }}\n{% for d in documents %}[{{ d.id }}] {{ d.content }}\n{% endfor %}"))
    pipeline.connect("medkb.documents", "prompt.documents")
    yield pipeline
    pipeline.get_component("medkb").close()


def test_langchain_documents_are_the_hits(langchain_retriever, thai_kb):
    documents = langchain_retriever.invoke(DIABETES)
    assert [d.id for d in documents] == reference(thai_kb, DIABETES, 3)
    first = documents[0]
    assert first.metadata["doc_id"].startswith("diabetes-") and DIABETES in first.page_content
    assert first.metadata["explanation"]["query_lang"] == "th"
    assert "medkb:diabetes_mellitus" in [c["concept_id"] for c in first.metadata["explanation"]["concepts"]]
    assert "text" not in first.metadata


def test_langchain_async_and_cross_lingual(langchain_retriever, thai_kb):
    """`ainvoke` runs the search in an executor thread; an English query finds Thai passages."""
    documents = asyncio.run(langchain_retriever.ainvoke("diabetes"))
    assert [d.id for d in documents] == reference(thai_kb, "diabetes", 3)
    assert any(d.metadata["doc_id"].startswith("diabetes-") for d in documents)
    assert documents[0].metadata["explanation"]["query_lang"] == "en"


def test_langchain_passes_mode_on(built_home, thai_kb):
    from medkb.retrieve.adapters.langchain import MedkbRetriever

    retriever = MedkbRetriever(lang="th", home=built_home, k=5, mode="bm25")
    try:
        documents = retriever.invoke("หอบหืด")
    finally:
        retriever.close()
    assert [d.id for d in documents] == reference(thai_kb, "หอบหืด", 5, mode="bm25")
    assert all(set(d.metadata["explanation"]["rankers"]) == {"bm25"} for d in documents)


def test_llamaindex_nodes_are_the_hits(llamaindex_retriever, thai_kb):
    nodes = llamaindex_retriever.retrieve(DIABETES)
    hits = thai_kb.search(DIABETES, k=3)
    assert [(n.node.node_id, n.score) for n in nodes] == [(h.passage_id, h.score) for h in hits]
    first = nodes[0].node
    assert first.text == hits[0].text and first.metadata["title"] == hits[0].title
    # What an LLM is shown: the passage with its title, not the ranking internals.
    shown = first.get_content(metadata_mode="llm")
    assert hits[0].title in shown and "explanation" not in shown


def test_llamaindex_cross_lingual(llamaindex_retriever, thai_kb):
    nodes = llamaindex_retriever.retrieve("dengue fever")
    assert [n.node.node_id for n in nodes] == reference(thai_kb, "dengue fever", 3)
    assert nodes[0].node.metadata["doc_id"].startswith("dengue-")


def test_haystack_pipeline_hands_the_hits_on(haystack_pipeline, thai_kb):
    result = haystack_pipeline.run({"medkb": {"query": DIABETES}, "prompt": {"query": DIABETES}}, include_outputs_from={"medkb"})
    documents = result["medkb"]["documents"]
    hits = thai_kb.search(DIABETES, k=3)
    assert [(d.id, d.score) for d in documents] == [(h.passage_id, h.score) for h in hits]
    assert documents[0].meta["doc_id"].startswith("diabetes-") and documents[0].content == hits[0].text
    prompt = result["prompt"]["prompt"]
    assert prompt.startswith(f"Q: {DIABETES}") and all(f"[{h.passage_id}]" in prompt for h in hits)


def test_haystack_top_k_at_run_time(haystack_pipeline, thai_kb):
    result = haystack_pipeline.run({"medkb": {"query": "tuberculosis", "top_k": 5}, "prompt": {"query": "tuberculosis"}}, include_outputs_from={"medkb"})
    assert [d.id for d in result["medkb"]["documents"]] == reference(thai_kb, "tuberculosis", 5)


def test_haystack_pipeline_serialises_the_component(haystack_pipeline, built_home):
    described = haystack_pipeline.to_dict()["components"]["medkb"]
    assert described["type"] == "medkb.retrieve.adapters.haystack.MedkbRetriever"
    assert described["init_parameters"] == {"lang": "th", "home": str(built_home), "top_k": 3, "mode": "hybrid", "query_lang": None}


@pytest.mark.parametrize(
    ("module", "library", "extra"),
    [
        ("medkb.retrieve.adapters.langchain", "langchain_core.retrievers", "langchain"),
        ("medkb.retrieve.adapters.llamaindex", "llama_index.core.retrievers", "llamaindex"),
        ("medkb.retrieve.adapters.haystack", "haystack", "haystack"),
        ("medkb.kb.server", "fastapi", "serve"),
    ],
)
def test_a_missing_library_names_its_extra(monkeypatch, module, library, extra):
    monkeypatch.setitem(sys.modules, library, None)  # import of it now fails, as when not installed
    monkeypatch.delitem(sys.modules, module, raising=False)
    with pytest.raises(MissingExtra, match=rf"pip install 'medkb\[{extra}\]'") as raised:
        importlib.import_module(module)
    assert isinstance(raised.value, ImportError)
