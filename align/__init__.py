"""Cross-lingual concept alignment and the concept graph, above the stores `kb build` writes."""
