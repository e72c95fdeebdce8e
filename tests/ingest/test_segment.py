"""Tokens, sentences and passages in each language, with offsets that hold."""

from __future__ import annotations

import pytest

from medkb.ingest.segment import PassageSettings, cut_passages, tokenize
from medkb.ingest.segment.normalize import normalize
from medkb.ingest.segment.sentences import sentence_spans
from medkb.store.records import Document, Section

SAMPLES = {
    "th": ("ผู้ป่วยโรคเบาหวานชนิดที่ 2 ควรตรวจระดับน้ำตาลในเลือด ทุก 3 เดือน", ["ผู้ป่วย", "ตรวจ", "น้ำตาล"]),
    "zh": ("2型糖尿病患者应定期检测血糖。高血压患者应限盐。", ["糖尿病", "患者", "血糖", "高血压"]),
    "ja": ("２型糖尿病の患者はＨｂＡ１ｃを定期的に測定する。", ["糖尿", "患者", "hba1c", "測定"]),
    "ko": ("당뇨병은 혈당을 정기적으로 검사해야 합니다.", ["당뇨병", "혈당", "정기적"]),
    "sw": ("Kisukari ni ugonjwa sugu. Pima sukari ya damu.", ["kisukari", "ugonjwa", "sukari", "damu"]),
    "yo": ("Àrùn ṣúgà jẹ́ àìsàn tí ó wọ́pọ̀.", ["àrùn", "ṣúgà", "àìsàn"]),
    "en": ("Type 2 diabetes (T2DM) is common. Measure HbA1c.", ["type", "diabetes", "t2dm", "hba1c"]),
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_tokens_carry_offsets_into_the_text_and_search_forms(lang):
    text, expected = SAMPLES[lang]
    tokens = tokenize(lang, text)
    for token in tokens:
        assert text[token.start : token.end].strip() == text[token.start : token.end]
        assert token.end > token.start
    norms = [t.norm for t in tokens if t.is_word]
    for word in expected:
        assert normalize(word) in norms, (word, norms)


def test_korean_search_forms_drop_particles_but_keep_short_nouns():
    norms = [t.norm for t in tokenize("ko", "고혈압이 있는 환자의 나이가 많다")]
    assert "고혈압" in norms and "환자" in norms and "나이" in norms
    # Each ends in a syllable that is also a particle (이, 도, 만): bare, they are not cut down to one syllable.
    assert [t.norm for t in tokenize("ko", "나이 기도 분만")] == ["나이", "기도", "분만"]


def test_full_width_text_tokenizes_like_half_width():
    full = [t.norm for t in tokenize("ja", "ＨｂＡ１ｃ　６．５％")]
    half = [t.norm for t in tokenize("ja", "HbA1c 6.5%")]
    assert full == half


def test_very_long_lines_are_tokenized_in_pieces_without_losing_offsets():
    text = "高血圧の患者。" * 3000  # longer than SudachiPy accepts in one call
    tokens = tokenize("ja", text)
    assert tokens[-1].end == len(text)
    assert sum(1 for t in tokens if t.norm == "患者") == 3000


@pytest.mark.parametrize(
    "lang, text, n",
    [
        ("th", "ผู้ป่วยควรพักผ่อน ดื่มน้ำมาก ๆ\nมาพบแพทย์ทันที", 3),
        ("zh", "应多饮水。如有出血，立即就医！注意休息", 3),
        ("ja", "水分をとる。出血があれば受診する！安静にする", 3),
        ("en", "Drink fluids. Seek care at once! Rest at home", 3),
        ("sw", "Kunywa maji mengi. Pumzika nyumbani.\nNenda hospitali", 3),
    ],
)
def test_sentences_follow_each_scripts_punctuation(lang, text, n):
    spans = sentence_spans(lang, text)
    assert len(spans) == n
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)


def _document(text: str, headings: list[tuple[tuple[str, ...], str]]) -> Document:
    """A document whose sections are the given (path, body) pairs."""
    sections, parts, cursor = [], [], 0
    for path, body in headings:
        heading = f"# {path[-1]}\n"
        parts.append(heading + body + "\n")
        sections.append(Section(path, cursor + len(heading), cursor + len(heading) + len(body)))
        cursor += len(heading) + len(body) + 1
    return Document(None, "t", "".join(parts), sections)


def test_passages_stay_inside_sections_and_point_into_the_text():
    body = " ".join(f"Sentence number {i} is about blood pressure." for i in range(40))
    doc = _document("", [(("Diagnosis",), body), (("Diagnosis", "Tests"), "Measure creatinine. Check urine.")])
    tokens = tokenize("en", doc.text)
    passages = cut_passages("d", doc, tokens, "en", PassageSettings(max_tokens=40, overlap_tokens=10))
    assert len(passages) > 5
    for p in passages:
        assert p.text == doc.text[p.start : p.end]
        section = next(s for s in doc.sections if s.path == p.section_path)
        assert section.start <= p.start and p.end <= section.end
        assert len(p.tokens) <= 40
        assert [p.text[s:e].casefold() for s, e in zip(p.token_starts, p.token_ends)] == list(p.tokens)
    assert passages[-1].section_path == ("Diagnosis", "Tests")
    assert [p.passage_id for p in passages] == [f"d#{i}" for i in range(len(passages))]


def test_consecutive_passages_overlap_by_whole_sentences():
    body = " ".join(f"Fact {i} is stated here in seven words." for i in range(30))
    doc = _document("", [(("A",), body)])
    passages = cut_passages("d", doc, tokenize("en", doc.text), "en", PassageSettings(max_tokens=30, overlap_tokens=10))
    assert len(passages) >= 3  # 30 sentences of 9 tokens, 30 tokens a passage: there are pairs to compare
    for first, second in zip(passages, passages[1:]):
        assert second.start < first.end  # they share text
        assert second.start > first.start  # and the cut moves on
        assert doc.text[second.start : first.end].startswith("Fact")


def test_a_sentence_longer_than_a_passage_is_cut_into_pieces():
    body = " ".join(["word"] * 500)
    doc = _document("", [(("A",), body)])
    passages = cut_passages("d", doc, tokenize("en", doc.text), "en", PassageSettings(max_tokens=100, overlap_tokens=20))
    assert all(len(p.tokens) <= 100 for p in passages)
    covered = set()
    for p in passages:
        covered.update(range(p.start, p.end))
    assert min(covered) == doc.sections[0].start and max(covered) == doc.sections[0].end - 1


def test_passage_settings_reject_nonsense():
    with pytest.raises(ValueError):
        PassageSettings(max_tokens=4)
    with pytest.raises(ValueError):
        PassageSettings(max_tokens=100, overlap_tokens=60)


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_every_language_has_stop_words_whatever_pipeline_tokenizes_it(lang):
    from medkb.ingest.segment.dictionaries import stop_words

    function_word = {"th": "และ", "zh": "的", "ja": "の", "ko": "그리고", "sw": "na", "yo": "ni", "en": "the"}[lang]
    assert function_word in stop_words(lang)
