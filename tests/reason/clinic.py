"""Scripted model replies for one clinical question per language, over the embedded corpora.

Each case is what a sound model would reply at each stage; the synthesis reply cites the given
passages that hold the case's key phrase, so a test can check that the pipeline retrieved them.
Written for medkb's tests; the clinical content is an illustration, not advice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from medkb.reason.question import Question


@dataclass
class Case:
    question: Question
    english: dict  # the translation reply
    reasoning: dict  # lang: (reasoning, answer)
    chains: dict  # lang: [(text, role)]
    answer: str
    key_phrase: str  # the synthesis cites passages holding it
    rationale: str
    local_only: str  # a concept of the local chain that English reasoning does not have

    @property
    def lang(self) -> str:
        return self.question.lang

    @property
    def replies(self) -> dict:
        replies = {("translate", self.lang): json.dumps(self.english, ensure_ascii=False)}
        for lang, (reasoning, answer) in self.reasoning.items():
            replies[("reason", lang)] = json.dumps({"reasoning": reasoning, "answer": answer}, ensure_ascii=False)
            replies[("chain", lang)] = json.dumps({"concepts": [{"text": t, "role": r} for t, r in self.chains[lang]]}, ensure_ascii=False)
        replies[("synthesise", self.lang)] = self.synthesis
        return replies

    def synthesis(self, data: dict, request: dict) -> str:
        cited = [p["id"] for p in data["passages"] if self.key_phrase in p["text"]]
        return json.dumps({"answer": self.answer, "rationale": self.rationale, "citations": cited}, ensure_ascii=False)


THAI = Case(
    question=Question.with_options(
        "ผู้ใหญ่ที่เป็นโรคหืดและต้องใช้ยาควบคุมอาการระยะยาว ควรได้รับยาใดเป็นหลัก",
        "th",
        ["ยาพ่นซัลบูทามอลเพียงอย่างเดียว", "ยาสูดสเตียรอยด์", "ยาปฏิชีวนะ", "แอสไพริน"],
    ),
    english={
        "question": "Which medicine should be the mainstay for an adult with asthma who needs long-term controller treatment?",
        "options": {"A": "Salbutamol inhaler alone", "B": "Inhaled corticosteroid", "C": "Antibiotics", "D": "Aspirin"},
    },
    reasoning={
        "th": ("โรคหืดเป็นการอักเสบเรื้อรังของหลอดลม ยาควบคุมอาการคือยาสูดสเตียรอยด์ ไม่ควรใช้ซัลบูทามอลเพียงอย่างเดียว ผู้ป่วยควรได้รับการติดตามที่คลินิกโรคหืดในโรงพยาบาลชุมชน", "B"),
        "en": (
            "Asthma is chronic airway inflammation; inhaled corticosteroids are the controller treatment. "
            "Salbutamol alone increases the risk of severe exacerbations. Spirometry confirms the diagnosis.",
            "B",
        ),
    },
    chains={
        "th": [("โรคหืด", "diagnosis"), ("ยาสูดสเตียรอยด์", "drug"), ("ซัลบูทามอล", "drug"), ("คลินิกโรคหืดในโรงพยาบาลชุมชน", "action")],
        "en": [("asthma", "diagnosis"), ("inhaled corticosteroid", "drug"), ("salbutamol", "drug"), ("spirometry", "test")],
    },
    answer="B",
    key_phrase="ยาสูดสเตียรอยด์",
    rationale="ยาสูดสเตียรอยด์เป็นยาควบคุมอาการหลักของโรคหืด การใช้ยาขยายหลอดลมชนิดออกฤทธิ์สั้นเพียงอย่างเดียวเพิ่มความเสี่ยงการกำเริบรุนแรง",
    local_only="คลินิกโรคหืดในโรงพยาบาลชุมชน",
)

JAPANESE = Case(
    question=Question.with_options(
        "2週間以上続く咳と微熱があり結核が疑われる成人に、まず行うべき検査はどれか。",
        "ja",
        ["喀痰の抗酸菌検査", "頭部MRI", "尿検査", "心電図"],
    ),
    english={
        "question": "An adult with cough and low-grade fever for more than two weeks is suspected of tuberculosis. Which test should be done first?",
        "options": {"A": "Sputum acid-fast bacilli test", "B": "Brain MRI", "C": "Urinalysis", "D": "Electrocardiogram"},
    },
    reasoning={
        "ja": ("2週間以上の咳は結核を疑う。喀痰の抗酸菌塗抹検査と培養検査を行い、胸部X線も撮る。結核は保健所に届け出る。", "A"),
        "en": ("A cough for more than two weeks suggests tuberculosis. Sputum smear microscopy and culture confirm it; a chest X-ray supports it.", "A"),
    },
    chains={
        "ja": [("咳", "finding"), ("結核", "diagnosis"), ("喀痰検査", "test"), ("保健所への届出", "action")],
        "en": [("cough", "finding"), ("tuberculosis", "diagnosis"), ("sputum smear microscopy", "test"), ("chest X-ray", "test")],
    },
    answer="A",
    key_phrase="喀痰",
    rationale="結核が疑われる場合は、まず喀痰の抗酸菌塗抹検査と培養検査を行う。",
    local_only="保健所への届出",
)

SWAHILI = Case(
    question=Question.with_options(
        "Mgonjwa mwenye homa anashukiwa kuwa na malaria. Afanyiwe nini kabla ya kupewa dawa ya malaria?",
        "sw",
        ["Kipimo cha haraka cha malaria (mRDT) au hadubini ya damu", "Apewe antibiotiki", "X-ray ya kifua", "Hakuna kipimo kinachohitajika"],
    ),
    english={
        "question": "A patient with fever is suspected of having malaria. What should be done before giving antimalarial medicine?",
        "options": {"A": "A malaria rapid diagnostic test (mRDT) or blood microscopy", "B": "Give antibiotics", "C": "Chest X-ray", "D": "No test is needed"},
    },
    reasoning={
        "sw": (
            "Homa inaweza kusababishwa na malaria au magonjwa mengine. Kila mgonjwa apimwe kwa kipimo cha haraka cha malaria kabla ya dawa; "
            "dawa ya artemether-lumefantrine itolewe tu kipimo kikionyesha vimelea. Chandarua chenye dawa huzuia malaria.",
            "A",
        ),
        "en": ("Fever has many causes; malaria must be confirmed by a rapid diagnostic test or microscopy before treatment with artemether-lumefantrine.", "A"),
    },
    chains={
        "sw": [
            ("homa", "finding"),
            ("malaria", "diagnosis"),
            ("kipimo cha haraka cha malaria", "test"),
            ("artemether-lumefantrine", "drug"),
            ("chandarua chenye dawa", "action"),
        ],
        "en": [("fever", "finding"), ("malaria", "diagnosis"), ("rapid diagnostic test", "test"), ("artemether-lumefantrine", "drug")],
    },
    answer="A",
    key_phrase="kipimo cha haraka",
    rationale="Malaria ithibitishwe kwa kipimo cha haraka cha malaria (mRDT) au hadubini kabla ya kutoa dawa.",
    local_only="chandarua chenye dawa",
)

CASES = {case.lang: case for case in (THAI, JAPANESE, SWAHILI)}
