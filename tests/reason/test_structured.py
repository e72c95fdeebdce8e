"""Replies to objects: JSON extraction, schema validation, re-asking with the error; answers and roles normalised."""

from __future__ import annotations

import json

import pytest

from medkb.reason.question import Question
from medkb.reason.schemas import ChainConcept, ConceptChain, Reasoning
from medkb.reason.structured import InvalidReply, ask_structured, extract_json
from openai_stub import completion

MESSAGES = [{"role": "system", "content": "Reason."}, {"role": "user", "content": "{}"}]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('Sure!\n```json\n{"a": "x}"}\n```\nDone.', {"a": "x}"}),
        ('The answer is {"a": {"b": [1, 2]}} as asked.', {"a": {"b": [1, 2]}}),
        ('[1, 2] and then {"a": 2}', {"a": 2}),
    ],
)
def test_json_is_found_where_models_put_it(reply, expected):
    assert extract_json(reply) == expected


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("", "the reply is empty"),
        ("no json here", "no JSON object"),
        ("[1, 2]", "no JSON object"),
        ('{"a": 1', "not valid JSON"),
        ('{"items": [{"a": 1},', "not valid JSON"),  # cut short: not its inner object
    ],
)
def test_a_reply_without_a_json_object_is_an_error(reply, problem):
    with pytest.raises(ValueError, match=problem):
        extract_json(reply)


def test_a_malformed_reply_is_asked_again_with_the_error(serve, client_of):
    replies = iter(['Here: "reasoning": "asthma needs ICS"', '{"reasoning": "asthma needs ICS", "answer": "B"}'])
    server = serve(lambda request: completion(next(replies), request=request))
    record: list = []
    value = ask_structured(client_of(server), MESSAGES, Reasoning, record)
    assert value.answer == "B"
    repair = server.requests[1]["body"]["messages"]
    assert repair[-2] == {"role": "assistant", "content": 'Here: "reasoning": "asthma needs ICS"'}
    assert "could not be used: no JSON object" in repair[-1]["content"]
    assert record[0]["invalid"].startswith("no JSON object")


def test_a_check_failure_is_asked_again_and_a_persistent_one_is_an_error(serve, client_of):
    question = Question.with_options("q", "th", ["x", "y"])
    server = serve(lambda request: completion('{"reasoning": "r", "answer": "E"}', request=request))

    def check(value):
        value.answer = question.normalise_answer(value.answer)

    with pytest.raises(InvalidReply, match="no valid Reasoning after 3 replies; the last: answer 'E' is not one of the option letters A, B"):
        ask_structured(client_of(server, max_repairs=2), MESSAGES, Reasoning, [], check)
    assert len(server.requests) == 3


def test_schema_errors_name_the_field(serve, client_of):
    replies = iter(['{"concepts": [{"text": "", "role": "drug"}]}', '{"concepts": [{"text": "ICS", "role": "medication"}]}'])
    server = serve(lambda request: completion(next(replies), request=request))
    record: list = []
    chain = ask_structured(client_of(server), MESSAGES, ConceptChain, record)
    assert "concepts.0.text" in record[0]["invalid"]
    assert chain.concepts[0].role == "drug"  # a synonym normalised, not re-asked


def test_the_schema_is_sent_as_the_response_format(serve, client_of):
    server = serve(lambda request: completion('{"concepts": []}', request=request))
    ask_structured(client_of(server), MESSAGES, ConceptChain, [])
    response_format = server.requests[0]["body"]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "ConceptChain"
    assert "concepts" in json.dumps(response_format["json_schema"]["schema"])


@pytest.mark.parametrize(("role", "expected"), [("Symptom", "finding"), ("lab", "test"), ("risk-factor", "risk_factor"), ("poetry", "other")])
def test_roles_are_normalised(role, expected):
    assert ChainConcept(text="x", role=role).role == expected


@pytest.mark.parametrize(("answer", "expected"), [("B", "B"), ("(b)", "B"), ("B. inhaled steroid", "B"), ("b)", "B")])
def test_option_answers_are_normalised(answer, expected):
    assert Question.with_options("q", "th", ["w", "x", "y"]).normalise_answer(answer) == expected


@pytest.mark.parametrize("answer", ["D", "Because B", "BC", ""])
def test_answers_that_are_not_an_option_are_refused(answer):
    with pytest.raises(ValueError):
        Question.with_options("q", "th", ["w", "x", "y"]).normalise_answer(answer)


def test_nli_answers_are_labels():
    question = Question("the patient has asthma", "en", premise="wheeze and reversible obstruction")
    assert question.kind == "nli"
    assert question.normalise_answer("Entailment.") == "entailment"
    with pytest.raises(ValueError, match="entailment, neutral, contradiction"):
        question.normalise_answer("yes")
