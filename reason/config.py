"""How to reach the model: endpoint, credentials, limits and sampling, from arguments or the environment."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from medkb.store.errors import UsageError

STRUCTURED_MODES = ("auto", "json_schema", "json_object", "text")
LOCAL_SERVER_KEY = "not-needed"  # vLLM, llama.cpp and Ollama accept any key; the openai client wants one


@dataclass(frozen=True)
class ModelConfig:
    """How to reach the model (`medkb.ask`'s settings, `medkb.eval_reason`'s config); `from_env` fills it from the environment."""

    model: str
    base_url: str | None = None  # None: OpenAI's own endpoint
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 120.0  # seconds for one request
    max_retries: int = 4  # further attempts after a connection error, a timeout, 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    max_backoff: float = 30.0
    max_concurrency: int = 4  # requests in flight at once, over every stage and question
    structured: str = "auto"  # auto: JSON schema, falling back to JSON mode, then to extraction from text
    max_tokens: int = 1024
    max_tokens_cap: int = 4096  # a reply cut at max_tokens is asked again with twice as many, up to this
    temperature: float = 0.0  # for the reasoning stages; extraction stages always use 0
    seed: int | None = 0
    max_repairs: int = 2  # times an invalid reply is re-asked with the validation error
    cache_dir: Path | None = None  # None: no cache

    def __post_init__(self):
        if not self.model:
            raise UsageError("no model named: give --model or set MEDKB_MODEL")
        if self.structured not in STRUCTURED_MODES:
            raise UsageError(f"unknown structured-output mode {self.structured!r}: use one of {', '.join(STRUCTURED_MODES)}")
        if self.max_concurrency < 1 or self.max_retries < 0 or self.max_repairs < 0:
            raise UsageError("max_concurrency must be at least 1, max_retries and max_repairs at least 0")

    @classmethod
    def from_env(cls, **given) -> ModelConfig:
        """Arguments that are not None, else MEDKB_MODEL, MEDKB_BASE_URL and MEDKB_API_KEY (or
        OPENAI_BASE_URL and OPENAI_API_KEY, as the openai client reads them)."""
        settings = {name: value for name, value in given.items() if value is not None}
        settings.setdefault("model", os.environ.get("MEDKB_MODEL", ""))
        base_url = settings.setdefault("base_url", os.environ.get("MEDKB_BASE_URL") or os.environ.get("OPENAI_BASE_URL"))
        key = settings.get("api_key") or os.environ.get("MEDKB_API_KEY") or os.environ.get("OPENAI_API_KEY")
        if not key and not base_url:
            raise UsageError("no API key for OpenAI's endpoint: set MEDKB_API_KEY or OPENAI_API_KEY, or give --base-url of a local server")
        settings["api_key"] = key or LOCAL_SERVER_KEY
        return cls(**settings)

    def public(self) -> dict:
        """The settings as a trace records them: without the key."""
        settings = asdict(self)
        settings.pop("api_key")
        settings["cache_dir"] = str(self.cache_dir) if self.cache_dir else None
        return settings
