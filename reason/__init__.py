"""The co-reasoning layer: the knowledge bases and any OpenAI-compatible model, answering local clinical questions."""
