"""The ground floor of medkb: the store's schema and records, its DuckDB I/O, the build lock, errors,
languages, the offline embedders and the helpers every layer above shares. It imports no other part of medkb.
"""
