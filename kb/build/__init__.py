"""`kb build`: corpus files in, one DuckDB concept store per language out, written atomically, on one or many processes."""
