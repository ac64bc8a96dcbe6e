"""The search's ranking weights, in one named table (scores are points out of 100).

Every score a search stage gives lives here (clerk/catalog/search/ holds none). Order of the
stages' scores, best first: code > name prefix > name substring > alias >
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

    # a name holding the query (clerk/catalog/search/han.py): whole, from its start, inside
    name_whole: float = 92.0
    name_prefix: float = 90.0  # less per character the name has beyond the query
    name_extra_step: float = 0.02
    name_extra_cap: int = 40
    name_inner: float = 80.0  # less per character before the match, and per character of name
    name_inner_pos_step: float = 0.1
    name_inner_pos_cap: int = 20
    name_length_step: float = 0.02
    name_length_cap: int = 40

    # an alias holding the query: whole, from its start, inside
    alias_whole: float = 78.0
    alias_prefix: float = 76.0
    alias_extra_step: float = 0.05
    alias_extra_cap: int = 20
    alias_inner: float = 72.0
    alias_inner_pos_step: float = 0.1
    alias_inner_pos_cap: int = 20

    # the query's characters in order with gaps (失业金 → 失业保险金申领)
    subsequence_name: float = 66.0
    subsequence_alias: float = 62.0
    subsequence_gap_step: float = 0.2  # less per character skipped
    subsequence_gap_cap: int = 20
    subsequence_start_step: float = 0.1  # less per character before the first (names only)
    subsequence_start_cap: int = 10

    # context: the query names a theme the item belongs to, or its department
    context_theme: float = 48.0
    context_department: float = 45.0
    department_pinyin: float = 44.0  # `gongan`, `ga`: the department's short name spelled

    # a wrong character with the right sound (身分证): the pinyin stage's score, this much lower
    homophone_shift: float = 24.0

    # most of the query's characters in any order: base + share found in all names + in one
    overlap_base: float = 30.0
    overlap_covered: float = 6.0
    overlap_best_text: float = 2.0

    # codes
    code_whole: float = 100.0
    code_prefix: float = 95.0  # a start with a digit or a dash: SCJG-0
    code_department: float = 60.0  # a department's code: SCJG
    code_letters: float = 50.0  # any other start of letters, below pinyin
    code_extra_step: float = 0.1  # less per character of the code beyond the query
    code_extra_cap: int = 20
    code_typo: float = 40.0  # less the edit distance

    # pinyin of the name (then an alias): full from a syllable start, or initials
    pinyin_name_start: float = 65.0
    pinyin_alias_start: float = 56.0
    pinyin_name_inner: float = 58.0  # less per syllable before the match
    pinyin_alias_inner: float = 53.0
    initials_name_start: float = 64.0
    initials_alias_start: float = 55.0
    initials_name_inner: float = 57.0  # less per letter before the match
    initials_alias_inner: float = 52.0
    pinyin_pos_step: float = 0.1
    pinyin_pos_cap: int = 10
    # syllable prefixes in a row (`shipjy`): from the first syllable, later, in an alias
    mixed_start: float = 54.0
    mixed_inner: float = 51.0
    mixed_alias_drop: float = 3.0
    mixed_budget: int = 200  # candidates matched against the pattern at most

    # the English name: whole, from its start, from a word start, inside a word, every word
    english_whole: float = 70.0
    english_prefix: float = 62.0
    english_word: float = 59.0
    english_inner: float = 47.0  # queries of 4 letters or more only
    english_words: float = 52.0

    # one typo in pinyin or English: base + the place's preference
    typo_pinyin: float = 35.0
    typo_english: float = 34.0
    typo_at_start: float = 1.0  # the typo's match starts the text
    typo_in_name: float = 0.5  # in the name, not an alias (pinyin)
    typo_budget: int = 240  # suffixes looked at, at most


WEIGHTS = Weights()
