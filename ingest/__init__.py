"""Turn guideline files into documents, passages and concept mentions."""
