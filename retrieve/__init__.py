"""Search a built knowledge base: BM25 and dense retrieval fused, expanded by the concept graph.

Layering: retrieve reads the stores (kb.store), tokenizes and matches with ingest,
and follows the concept graph's edges that align wrote; nothing below imports it.
"""
