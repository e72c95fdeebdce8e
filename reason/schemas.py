"""What each stage must reply: JSON objects validated by these models (their JSON schemas are
sent to the server as the response format where it takes one)."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, Field, field_validator

ROLES = ("finding", "diagnosis", "drug", "test", "procedure", "action", "risk_factor", "other")
# Roles models often write instead: normalised rather than re-asked, since the meaning is clear.
ROLE_SYNONYMS = {
    "symptom": "finding",
    "sign": "finding",
    "observation": "finding",
    "disease": "diagnosis",
    "condition": "diagnosis",
    "disorder": "diagnosis",
    "medication": "drug",
    "medicine": "drug",
    "treatment": "action",
    "therapy": "action",
    "management": "action",
    "intervention": "action",
    "investigation": "test",
    "lab": "test",
    "laboratory": "test",
    "exam": "test",
    "examination": "test",
    "risk": "risk_factor",
    "risk factor": "risk_factor",
    "surgery": "procedure",
}


class Translation(BaseModel):
    question: str = Field(min_length=1)
    options: dict[str, str] = Field(default_factory=dict)  # the same letters, translated texts
    premise: str | None = None


class Reasoning(BaseModel):
    reasoning: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class ChainConcept(BaseModel):
    text: str = Field(min_length=1, max_length=200)
    role: Literal[ROLES]  # type: ignore[valid-type]
    lang: str | None = None  # the concept's language, when it is not the chain's (a drug name in English)

    @field_validator("role", mode="before")
    @classmethod
    def _known_role(cls, role):
        role = str(role).strip().lower().replace("-", "_")
        return role if role in ROLES else ROLE_SYNONYMS.get(role.replace("_", " "), "other")


class ConceptChain(BaseModel):
    concepts: list[ChainConcept] = Field(max_length=40)


class Synthesis(BaseModel):
    answer: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    citations: list[str] = Field(default_factory=list)


class Judgement(BaseModel):
    score: int = Field(ge=1, le=5)
    rationale: str = Field(min_length=1)


@cache
def json_schema(model: type[BaseModel]) -> dict:
    """The reply model's JSON schema, made once: the prompt shows it and the request sends it."""
    return model.model_json_schema()
