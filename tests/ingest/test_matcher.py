"""Terminology matching in every language, with the Korean and Thai traps."""

from __future__ import annotations

from medkb.ingest.mentions.matcher import TermMatcher
from medkb.ingest.segment import tokenize


def found(lang: str, labels: list[tuple[str, str]], text: str) -> list[tuple[str, tuple[str, ...]]]:
    matcher = TermMatcher(lang, labels)
    return [(text[m.start : m.end], m.concept_ids) for m in matcher.find(text, tokenize(lang, text))]


def test_korean_particles_attached_to_nouns_do_not_hide_them():
    labels = [("당뇨병", "DM"), ("혈당", "GLU"), ("고혈압", "HT")]
    hits = found("ko", labels, "당뇨병은 혈당을 자주 검사하고, 고혈압이 있으면 치료한다.")
    assert hits == [("당뇨병", ("DM",)), ("혈당", ("GLU",)), ("고혈압", ("HT",))]


def test_korean_does_not_match_a_noun_inside_a_longer_word():
    # 당뇨병성 (diabetic) is an adjective-forming compound, not 당뇨병 + particle
    assert found("ko", [("당뇨병", "DM")], "당뇨병성 신경병증") == []


def test_thai_term_fused_with_its_neighbour_by_the_tokenizer_is_found():
    text = "ผู้ป่วยโรคเบาหวานควรตรวจเลือด"
    assert "โรคเบาหวาน" in [text[t.start : t.end] for t in tokenize("th", text)]  # the trap is real
    assert found("th", [("เบาหวาน", "DM")], text) == [("เบาหวาน", ("DM",))]


def test_thai_term_split_into_pieces_by_the_tokenizer_is_found():
    text = "มีภาวะความดันโลหิตสูงมาก"
    assert found("th", [("ความดันโลหิตสูง", "HT")], text) == [("ความดันโลหิตสูง", ("HT",))]


def test_thai_does_not_find_a_word_inside_another_word():
    # ตา (eye) inside ตาย (die): the rest of the token is no word of its own
    assert found("th", [("ตา", "EYE")], "ผู้ป่วยตายแล้ว") == []
    assert found("th", [("ตา", "EYE")], "ผู้ป่วยปวดตา") == [("ตา", ("EYE",))]


def test_thai_short_labels_match_whole_tokens_only():
    # ทารก (infant) is ทา + รก, both dictionary words, but not placenta
    assert found("th", [("รก", "PLACENTA")], "ทารกแรกเกิด") == []
    assert found("th", [("รก", "PLACENTA")], "ตรวจ รก ค้าง") == [("รก", ("PLACENTA",))]


def test_normalisation_matches_full_width_and_case():
    assert found("ja", [("HbA1c", "A1C")], "ＨｂＡ１ｃを測定") == [("ＨｂＡ１ｃ", ("A1C",))]
    assert found("en", [("HbA1c", "A1C")], "Measure HBA1C yearly") == [("HBA1C", ("A1C",))]


def test_english_matches_whole_words_and_plurals_only():
    labels = [("ulcer", "U"), ("diabetes", "D")]
    assert found("en", labels, "foot ulcers and prediabetes") == [("ulcers", ("U",))]


def test_the_longest_overlapping_label_wins():
    labels = [("type 2 diabetes", "T2"), ("diabetes", "D"), ("2型糖尿病", "T2"), ("糖尿病", "D")]
    assert found("en", labels, "Type 2 diabetes and diabetes") == [("Type 2 diabetes", ("T2",)), ("diabetes", ("D",))]
    assert found("zh", labels, "2型糖尿病患者") == [("2型糖尿病", ("T2",))]


def test_nested_matches_keep_the_labels_inside_a_longer_one():
    labels = [("type 2 diabetes", "T2"), ("diabetes", "D")]
    text = "Type 2 diabetes"
    matches = TermMatcher("en", labels).find(text, tokenize("en", text), nested=True)
    assert [(text[m.start : m.end], m.concept_ids) for m in matches] == [("Type 2 diabetes", ("T2",)), ("diabetes", ("D",))]


def test_yoruba_tone_marks_are_compared_after_composition():
    decomposed = "a\u0300ru\u0300n s\u0323u\u0301ga\u0300"  # àrùn ṣúgà typed with combining marks
    hits = found("yo", [("àrùn ṣúgà", "DM")], f"Ó ní {decomposed} tipẹ́")
    assert [concepts for _, concepts in hits] == [("DM",)]


def test_a_label_shared_by_two_concepts_gives_both():
    assert found("sw", [("homa", "FEVER"), ("homa", "MALARIA_FEVER")], "Ana homa kali") == [("homa", ("FEVER", "MALARIA_FEVER"))]


def test_labels_too_short_or_numeric_are_not_matched():
    matcher = TermMatcher("ja", [("病", "X"), ("2", "Y"), ("糖尿病", "D")])
    assert len(matcher) == 1


def test_abbreviation_shaped_labels_match_only_in_their_own_case():
    # "as" and "age" are words; AS (ankylosing spondylitis) and AGE (acute gastroenteritis) are not.
    labels = [("AS", "AS"), ("AGE", "AGE"), ("HbA1c", "A1C"), ("diabetes", "DM")]
    text = "Patients as old as 40 with AS; age, AGE and Diabetes; hba1c and HbA1c."
    assert found("en", labels, text) == [("AS", ("AS",)), ("AGE", ("AGE",)), ("Diabetes", ("DM",)), ("HbA1c", ("A1C",))]


def test_labels_written_in_capitals_at_length_stay_case_insensitive():
    assert found("en", [("ASTHMA", "A"), ("COVID-19", "C")], "Asthma and covid-19 and COVID-19.") == [("Asthma", ("A",)), ("COVID-19", ("C",))]


def test_a_generic_word_alone_names_no_concept():
    labels = [("disease", "DOID:4"), ("Huntington disease", "HD"), ("โรค", "T"), ("เบาหวาน", "DM")]
    assert found("en", labels, "The disease is Huntington disease.") == [("Huntington disease", ("HD",))]
    assert found("th", labels, "โรคนี้คือโรคเบาหวาน") == [("เบาหวาน", ("DM",))]


def test_a_hyphen_and_a_space_are_the_same_to_the_matcher():
    labels = [("ataxia telangiectasia", "AT"), ("Wiskott-Aldrich syndrome", "WAS")]
    text = "ataxia-telangiectasia and Wiskott Aldrich syndrome"
    assert found("en", labels, text) == [("ataxia-telangiectasia", ("AT",)), ("Wiskott Aldrich syndrome", ("WAS",))]


def test_what_a_user_types_finds_abbreviations_in_any_case_but_stop_words():
    labels = [("HIV", "HIV"), ("COPD", "COPD"), ("AS", "AS")]
    matcher = TermMatcher("en", labels, typed=True)
    query = "hiv and copd as a smoker"
    assert [(query[m.start : m.end], m.concept_ids) for m in matcher.find(query, tokenize("en", query))] == [("hiv", ("HIV",)), ("copd", ("COPD",))]
    assert found("en", labels, query) == []  # in a document, only as written
