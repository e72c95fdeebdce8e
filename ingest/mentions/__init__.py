"""Concept mentions: terminology labels, abbreviations and discovered terms."""
