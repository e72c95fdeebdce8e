"""`kb serve` over real HTTP: uvicorn in a thread on a free loopback port, called with httpx.

Here rather than beside tests/test_cli_docs.py so that it shares the session's indexed stores
(tests/retrieve/conftest.py) with the search and adapter tests instead of building them again.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")

from typer.testing import CliRunner  # noqa: E402  (after the guards: kb.server needs fastapi)

from medkb.kb import server  # noqa: E402
from medkb.kb.cli.app import app  # noqa: E402

STARTUP_SECONDS = 60


@pytest.fixture(scope="module")
def api(built_home):
    """An httpx client of the API over the Thai store, served on 127.0.0.1 at a port the OS chose."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    web = uvicorn.Server(uvicorn.Config(server.create_app(home=built_home, langs=["th"]), log_level="warning"))
    thread = threading.Thread(target=web.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not web.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=60) as client:
        yield client
    web.should_exit = True
    thread.join(timeout=10)
    sock.close()


def ids(hits) -> list[str]:
    return [hit["passage_id"] for hit in hits]


def test_thai_search(api, thai_kb):
    response = api.get("/search", params={"q": "เบาหวาน", "lang": "th", "k": 5})
    assert response.status_code == 200
    body = response.json()
    assert (body["query"], body["lang"], body["mode"]) == ("เบาหวาน", "th", "hybrid")
    assert body["hits"][0]["doc_id"].startswith("diabetes-")
    assert body["hits"] == [hit.to_dict() for hit in thai_kb.search("เบาหวาน", k=5)]


def test_english_search_of_the_thai_store(api, thai_kb):
    hits = api.get("/search", params={"q": "diabetes treatment", "lang": "th", "k": 3}).json()["hits"]
    assert ids(hits) == [hit.passage_id for hit in thai_kb.search("diabetes treatment", k=3)]
    assert any(hit["doc_id"].startswith("diabetes-") for hit in hits)
    assert hits[0]["explanation"]["query_lang"] == "en"


def test_search_passes_mode_and_query_lang_on(api, thai_kb):
    params = {"q": "หอบหืด", "lang": "th", "k": 4, "mode": "bm25", "query_lang": "th"}
    hits = api.get("/search", params=params).json()["hits"]
    assert ids(hits) == [hit.passage_id for hit in thai_kb.search("หอบหืด", k=4, mode="bm25", query_lang="th")]
    assert all(set(hit["explanation"]["rankers"]) == {"bm25"} for hit in hits)


def test_concurrent_requests_get_their_own_answers(api, thai_kb):
    """Sync endpoints run in a thread pool; the store's connection must be used by one at a time."""
    queries = ["เบาหวาน", "ไข้เลือดออก", "วัณโรค", "หอบหืด"] * 2
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda q: api.get("/search", params={"q": q, "lang": "th", "k": 3}).json()["hits"], queries))
    assert [ids(a) for a in answers] == [[hit.passage_id for hit in thai_kb.search(q, k=3)] for q in queries]


def test_lookup(api, thai_kb):
    response = api.get("/lookup", params={"term": "เบาหวาน", "lang": "th"})
    assert response.status_code == 200
    concepts = response.json()["concepts"]
    assert concepts[0]["concept_id"] == "medkb:diabetes_mellitus"
    assert "diabetes mellitus" in [label.lower() for label in concepts[0]["labels"]["en"]]
    assert concepts == _json([record.to_dict() for record in thai_kb.lookup("เบาหวาน")])


def test_concept_by_id(api, thai_kb):
    response = api.get("/concepts/th/medkb:diabetes_mellitus")
    assert response.status_code == 200
    assert response.json() == _json(thai_kb.lookup("medkb:diabetes_mellitus")[0].to_dict())
    assert response.json()["passages"], "a concept the corpus mentions has evidence passages"


def test_unknown_concept_is_404(api):
    response = api.get("/concepts/th/medkb:no_such_concept")
    assert response.status_code == 404
    assert "medkb:no_such_concept" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/search?q=เบาหวาน&lang={lang}", "/lookup?term=เบาหวาน&lang={lang}", "/concepts/{lang}/medkb:diabetes_mellitus"])
@pytest.mark.parametrize("lang", ["en", "xx"])  # built but not served; not a language at all
def test_unknown_language_is_404_naming_the_served_ones(api, path, lang):
    response = api.get(path.format(lang=lang))
    assert response.status_code == 404
    assert response.json()["detail"] == f"no {lang!r} knowledge base on this server; it serves th"


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"q": ""}, 422, "at least 1 character"),
        ({"q": "   "}, 422, "should match pattern"),
        ({"q": "x" * 2001}, 422, "at most 2000 characters"),
        ({"k": 0}, 422, "greater than or equal to 1"),
        ({"k": 101}, 422, "less than or equal to 100"),
        ({"k": "ten"}, 422, "valid integer"),
        ({"mode": "sparse"}, 422, "'hybrid', 'bm25' or 'dense'"),
        ({"lang": None}, 422, "Field required"),
        ({"query_lang": "xx"}, 400, "unknown language 'xx'"),
    ],
)
def test_bad_searches_are_refused_clearly(api, params, status, says):
    query = {k: v for k, v in ({"q": "เบาหวาน", "lang": "th"} | params).items() if v is not None}
    response = api.get("/search", params=query)
    assert response.status_code == status
    assert says in json.dumps(response.json()["detail"], ensure_ascii=False)


def test_empty_lookup_term_is_refused(api):
    assert api.get("/lookup", params={"term": "", "lang": "th"}).status_code == 422


def test_openapi_describes_the_api(api):
    spec = api.get("/openapi.json").json()
    assert {"/search", "/lookup", "/concepts/{lang}/{concept_id}", "/health"} <= set(spec["paths"])
    k = next(p for p in spec["paths"]["/search"]["get"]["parameters"] if p["name"] == "k")
    assert (k["schema"]["minimum"], k["schema"]["maximum"]) == (1, 100)
    assert api.get("/docs").status_code == 200
    assert api.get("/health").json() == {"status": "ok", "langs": ["th"]}


def test_kb_serve_listens_on_loopback_unless_told_otherwise(built_home, monkeypatch):
    listened = []
    monkeypatch.setattr(server.uvicorn, "run", lambda app, host, port: listened.append((host, port)))
    runner = CliRunner()
    quiet = runner.invoke(app, ["serve", "--home", str(built_home), "--lang", "th"])
    assert quiet.exit_code == 0, quiet.output
    assert "warning" not in quiet.output
    loud = runner.invoke(app, ["serve", "--home", str(built_home), "-l", "th", "--host", "0.0.0.0", "--port", "8123"])
    assert loud.exit_code == 0, loud.output
    assert "other machines can reach this API" in loud.output
    assert listened == [("127.0.0.1", 8000), ("0.0.0.0", 8123)]


def test_kb_serve_without_a_store_says_how_to_build_one(tmp_path):
    result = CliRunner().invoke(app, ["serve", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert "kb build --lang" in result.output


def _json(value):
    """As it comes back over HTTP: tuples become lists."""
    return json.loads(json.dumps(value))
