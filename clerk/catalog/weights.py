"""The search's ranking weights, in one named table (scores are points out of 100).

Order of the stages' scores, best first: code > name prefix > name substring > alias >
characters in order > pinyin > English > words of a sentence > theme / department context >
typos > characters in any order. A stage's hits carry a base score, lowered a little by how far
into the text or how loosely they matched.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Weights:
    # thresholds
    strong: float = 50.0  # a real match; the guessing stages run only without enough of them
    enough_strong: int = 3  # with this many real matches no guessing stage runs
    exact: float = 90.0  # a code, a whole name or its start: no guessing stage either

    # the query without the fillers around it (领失业金要带什么 → 领失业金): this much lower
    core_shift: float = 14.0

    # the sentence stage (clerk/catalog/sentence.py)
    sentence_base: float = 34.0  # a sentence hit scores base + span × its 0..1 cover
    sentence_span: float = 13.5  # so the best stays below theme context (48) and `strong`
    sentence_base_word: float = 20.0  # the same for a query that does not read as a sentence
    sentence_minor_df: float = 0.15  # a term only in a minor field counts this much in its IDF
    sentence_candidates: int = 100  # documents scored at most (the rarest terms' first)
    sentence_length: int = 7  # a run of this many characters reads as a sentence
    sentence_words: int = 3  # so do this many English or pinyin words
    sentence_min_cover: float = 0.25  # hits covering less of the query are left out
    sentence_name_share: float = 0.2  # of the cover: how much of the name the query holds
    sentence_synonym: float = 0.8  # weight of a word the lexicon added (去世 → 丧葬)
    sentence_skip_pair: float = 0.6  # a pair across a cut filler (开一家书店 → 开书)
    sentence_single: float = 0.5  # a query of one character

    # field weights: how much a term counts in each field of a document
    field_name: float = 1.0
    field_alias: float = 0.9
    field_english: float = 1.0
    field_theme: float = 0.5  # the name of a theme (一件事) the item belongs to
    field_result: float = 0.55
    field_description: float = 0.45
    field_conditions: float = 0.35
    field_materials: float = 0.3
    field_department: float = 0.25


WEIGHTS = Weights()
