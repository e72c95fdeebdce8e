"""The top of medkb: the build (`kb.build`), the `kb` command line (`kb.cli`), the HTTP server and `kb stats`.

Everything here may import every layer below (store, ingest, align, retrieve, reason); nothing below imports it.
"""
