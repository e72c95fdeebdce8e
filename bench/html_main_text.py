"""Main-text extraction from web pages against reference main texts: medkb's HTML reader beside the libraries.

`python bench/html_main_text.py --pages DIR [--json FILE]` reads every `DIR/<page>/source.html` with its
reference `DIR/<page>/expected.html` (the layout of Mozilla Readability's test pages, `test/test-pages/`,
130 real pages of news sites, blogs, Wikipedia, medicalnewstoday and CJK sites) or `expected.txt` (plain
text: the Zyte article-extraction benchmark's 181 hand-checked `articleBody` texts, written out one page a
folder), extracts the main text
with each method and scores it against the reference's text: word-level precision, recall and F1 of the
bags of words (a CJK character counts as a word), averaged over pages. The references are Readability.js's
own output, which favours methods that work as it does (readability-lxml is its port).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from statistics import mean

import lxml.html

_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]|[^\W\d_]+|\d+")


def tokens(text: str) -> Counter[str]:
    return Counter(token.casefold() for token in _TOKEN.findall(text))


def html_text(html: str) -> str:
    """The text of an HTML fragment, blocks on lines of their own."""
    root = lxml.html.fromstring(html or "<div></div>")
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "pre", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    return root.text_content()


def score(found: str, reference: str) -> tuple[float, float, float]:
    got, want = tokens(found), tokens(reference)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def medkb_reader(html: str) -> str:
    from medkb.ingest.readers import ReadOptions, read_path

    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "page.html"
        path.write_text(html, encoding="utf-8")
        document = read_path(path, ReadOptions("en")).documents[0]
        return f"{document.title}\n{document.text}"


def trafilatura_default(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_tables=True, include_comments=False) or ""


def readability_lxml(html: str) -> str:
    from readability import Document

    document = Document(html)
    return f"{document.short_title()}\n{html_text(document.summary())}"


def justext_english(html: str) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


METHODS: dict[str, Callable[[str], str]] = {
    "medkb": medkb_reader,
    "trafilatura": trafilatura_default,
    "readability-lxml": readability_lxml,
    "justext": justext_english,
}


# The library each method needs (medkb's own needs only medkb): the others are not medkb's dependencies.
_LIBRARIES = {"trafilatura": "trafilatura", "readability-lxml": "readability", "justext": "justext"}


def installed(method: str) -> bool:
    library = _LIBRARIES.get(method)
    return library is None or importlib.util.find_spec(library) is not None


def measure(pages: Path, methods: list[str]) -> dict:
    results: dict[str, dict] = {}
    folders = sorted(p for p in pages.iterdir() if (p / "source.html").exists() and _reference(p).exists())
    for name in methods:
        if not installed(name):
            print(f"{name}: not installed (pip install {name}); left out", file=sys.stderr)
            continue
        rows, seconds = [], 0.0
        for folder in folders:
            source = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
            expected = _reference(folder).read_text(encoding="utf-8", errors="replace")
            reference = expected if _reference(folder).suffix == ".txt" else html_text(expected)
            started = time.perf_counter()
            try:
                found = METHODS[name](source)
            except Exception as error:  # a method that fails on a page scores 0 there, and says so
                found = ""
                print(f"{name} failed on {folder.name}: {type(error).__name__}: {error}", file=sys.stderr)
            seconds += time.perf_counter() - started
            rows.append((folder.name, *score(found, reference)))
        results[name] = {
            "pages": len(rows),
            "precision": round(mean(r[1] for r in rows), 3),
            "recall": round(mean(r[2] for r in rows), 3),
            "f1": round(mean(r[3] for r in rows), 3),
            "seconds": round(seconds, 2),
            "worst": sorted(((r[0], round(r[3], 3)) for r in rows), key=lambda r: r[1])[:8],
        }
    return results


def _reference(folder: Path) -> Path:
    """expected.html (Readability's test pages) or expected.txt (plain reference text, as the Zyte benchmark's articleBody)."""
    text = folder / "expected.txt"
    return text if text.exists() else folder / "expected.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, required=True, help="folder of <page>/source.html and <page>/expected.html")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = measure(args.pages, args.methods)
    print("| method | pages | precision | recall | F1 | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['pages']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['seconds']:.1f} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
