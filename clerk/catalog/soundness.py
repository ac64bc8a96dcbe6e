"""Checks of a catalog that loads but cannot be right (issue 14): each problem named by file,
item and field, as errors (the checklist would give a wrong answer) or warnings (a likely slip).

    errors:   a third-party ID material with no holder; a theme question its members default
              differently while the theme gives no default of its own
    warnings: an item refused under its own default answers; an item that is not 行政许可 citing
              《行政许可法》 as the basis for refusing
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from clerk.catalog.errors import Issue
from clerk.catalog.model import Answer, Holder, Item, ItemType, Material, Theme

#: Names of ID materials that are someone else's document than the applicant's.
THIRD_PARTY_WORDS = (
    "配偶",
    "监护人",
    "股东",
    "经办人",
    "法定代表人",
    "受托人",
    "新经营者",
    "投资人",
)
#: The e-license types that are a person's identity document.
ID_LICENSES = frozenset({"居民身份证"})
_LICENSING_LAW = "行政许可法"


def _needs_holder(material: Material) -> bool:
    """An ID material whose own name or count says it is not (only) the applicant's."""
    if material.holder is not Holder.APPLICANT or material.elicense not in ID_LICENSES:
        return False
    if any(word in material.name for word in THIRD_PARTY_WORDS):
        return True
    return material.name == "申请人身份证明" and material.count >= 2


def _defaults_agree(values: Iterable[Answer]) -> bool:
    seen: list[Answer] = []
    for value in values:
        if not any(value is v if isinstance(value, bool) else value == v for v in seen):
            seen.append(value)
    return len(seen) <= 1


def _default_values(item: Item) -> dict[str, Answer]:
    return {s.id: s.default for s in item.situations if s.default is not None}


def check(
    items: Iterable[Item], themes: Iterable[Theme], files: Mapping[str, str]
) -> tuple[list[Issue], list[Issue]]:
    """(errors, warnings). `files` maps an item code to the file it came from."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    for item in items:
        file = files.get(item.code, "")
        for index, material in enumerate(item.materials):
            if _needs_holder(material):
                errors.append(
                    Issue(
                        file,
                        item.code,
                        f"materials[{index}].holder",
                        "holder_missing",
                        (("name", material.name),),
                    )
                )
        values = _default_values(item)
        for index, rule in enumerate(item.refuse_when):
            if rule.when.holds(values):
                warnings.append(
                    Issue(file, item.code, f"refuse_when[{index}]", "refused_by_default", ())
                )
        if item.type is not ItemType.LICENSING:
            for index, reason in enumerate(item.refusal_reasons):
                if _LICENSING_LAW in reason.legal_basis:
                    warnings.append(
                        Issue(
                            file,
                            item.code,
                            f"refusal_reasons[{index}].legal_basis",
                            "licensing_law_not_licensing",
                            (("type", item.type.value),),
                        )
                    )
    for theme in themes:
        own = {q.id: q for q in theme.questions}
        defaults: dict[str, list[tuple[str, Answer]]] = {}
        for member in theme.members:
            for situation in member.item.situations:
                if situation.default is not None:
                    defaults.setdefault(situation.id, []).append((member.code, situation.default))
        for qid, pairs in defaults.items():
            theme_rule = qid in own and own[qid].default is not None
            if not theme_rule and not _defaults_agree(v for _, v in pairs):
                shown = "、".join(f"{code}={value}" for code, value in pairs)
                errors.append(
                    Issue(
                        f"themes/{theme.group}.json",
                        theme.code,
                        "questions",
                        "default_conflict",
                        (("id", qid), ("defaults", shown)),
                    )
                )
    return errors, warnings
