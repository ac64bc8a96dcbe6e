"""Search quality: a labelled query set → recall@1, recall@5 and MRR, overall and per kind.

Two sets, with columns `kind,query,expected,note` (`expected`: one or more acceptable codes
separated by `|`): tests/catalog/search_queries.csv (what clerks type: names, codes, pinyin,
aliases, typos) and tests/catalog/search_sentences.csv (what applicants say: sentences, dialect,
wrong terms, English, pinyin with and without typos). A query counts as found at k when any
acceptable code is among the first k hits; MRR is the mean of 1/rank of the first acceptable
code (0 when not in the first 10). Used by bench/search_quality.py and the pytest quality gates.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clerk.catalog.search import SearchIndex


@dataclass(frozen=True, slots=True)
class LabelledQuery:
    kind: str
    query: str
    expected: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    case: LabelledQuery
    got: tuple[str, ...]  # the first codes returned
    rank: int | None  # 1-based rank of the first acceptable code, None when not returned


@dataclass
class Recall:
    total: int = 0
    at1: int = 0
    at5: int = 0
    reciprocal: float = 0.0

    def add(self, rank: int | None) -> None:
        self.total += 1
        self.at1 += rank == 1
        self.at5 += rank is not None and rank <= 5
        self.reciprocal += 1 / rank if rank else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal / self.total if self.total else 0.0

    @property
    def r1(self) -> float:
        return self.at1 / self.total if self.total else 0.0

    @property
    def r5(self) -> float:
        return self.at5 / self.total if self.total else 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    overall: Recall = field(default_factory=Recall)
    by_kind: dict[str, Recall] = field(default_factory=dict)
    unknown_codes: list[str] = field(default_factory=list)

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank is None or o.rank > 5]


def load_queries(path: Path) -> list[LabelledQuery]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        expected = tuple(code.strip() for code in row["expected"].split("|") if code.strip())
        out.append(
            LabelledQuery(row["kind"].strip(), row["query"], expected, row.get("note") or "")
        )
    return out


def evaluate(index: SearchIndex, queries: Iterable[LabelledQuery], *, depth: int = 10) -> Report:
    report = Report()
    for case in queries:
        missing = [c for c in case.expected if index.get(c) is None]
        report.unknown_codes.extend(f"{case.query} → {c}" for c in missing)
        got = tuple(hit.code for hit in index.search(case.query, depth))
        rank = next((i for i, code in enumerate(got, 1) if code in case.expected), None)
        report.outcomes.append(Outcome(case, got, rank))
        report.overall.add(rank)
        report.by_kind.setdefault(case.kind, Recall()).add(rank)
    return report


def format_report(report: Report, *, show: Sequence[str] = ("misses",)) -> str:
    lines = [f"{'kind':<12} {'n':>4} {'recall@1':>9} {'recall@5':>9} {'MRR':>6}"]
    for kind, r in [*sorted(report.by_kind.items()), ("ALL", report.overall)]:
        lines.append(f"{kind:<12} {r.total:>4} {r.r1:>9.1%} {r.r5:>9.1%} {r.mrr:>6.3f}")
    if "misses" in show and report.misses:
        lines.append("")
        lines.append("not in the first 5:")
        for miss in report.misses:
            lines.append(
                f"  [{miss.case.kind}] {miss.case.query!r} → {'|'.join(miss.case.expected)}; "
                f"got {', '.join(miss.got[:5]) or 'nothing'}"
            )
    if "second" in show:
        seconds = [x for x in report.outcomes if x.rank is not None and 1 < x.rank <= 5]
        if seconds:
            lines.append("")
            lines.append("found, but not first:")
            for x in seconds:
                lines.append(
                    f"  [{x.case.kind}] {x.case.query!r} → {'|'.join(x.case.expected)} at "
                    f"{x.rank}; first {x.got[0]}"
                )
    if report.unknown_codes:
        lines.append("")
        lines.append("expected codes not in the catalog: " + "; ".join(report.unknown_codes))
    return "\n".join(lines)
