"""Play a scenario the way a trainee at the window would: the intake form's draft state and the
per-item decisions — right, or with deliberate mistakes."""

from __future__ import annotations

from datetime import date
from typing import Any

from clerk import checklist
from clerk.catalog.loader import load_active_catalog
from clerk.practice.model import APPLICANT_TYPE_REASON, ORGANIZATION, ExpectedDecision, Scenario
from clerk.practice.validate import expected_verdict, material_states, subject_of

TODAY = date(2026, 11, 23)


def state_for(
    scenario: Scenario,
    *,
    marks: dict[str, checklist.Mark] | None = None,
    answers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The draft state a careful trainee ends with (override marks/answers to make mistakes)."""
    catalog = load_active_catalog()
    subject = subject_of(scenario, catalog)
    materials = checklist.merged_materials(subject, scenario.answers)
    marks = marks if marks is not None else material_states(scenario, materials, TODAY)
    p = scenario.persona
    applicant: dict[str, Any] = {
        "kind": p.kind,
        "name": p.name,
        "phone": p.phone,
        "elicenses": list(p.elicenses),
    }
    if p.kind == ORGANIZATION:
        applicant.update(uscc=p.uscc, legal_rep=p.legal_rep, id_type=None)
    else:
        applicant.update(
            id_type="resident_id", id_number=p.id_number, id_valid_until=p.id_valid_until
        )
    state: dict[str, Any] = {
        "applicant": applicant,
        "theme": scenario.subject.theme,
        "items": list(scenario.subject.items),
        "answers": dict(scenario.answers if answers is None else answers),
        "materials": {
            name: {"state": mark.state.value, "due": mark.due.isoformat() if mark.due else None}
            for name, mark in marks.items()
        },
    }
    if scenario.agent is not None:
        state["agent"] = {
            "name": scenario.agent.name,
            "id_number": scenario.agent.id_number,
            "id_type": "resident_id",
            "phone": scenario.agent.phone,
        }
    return state


def right_decisions(scenario: Scenario) -> list[dict[str, Any]]:
    catalog = load_active_catalog()
    verdict = expected_verdict(scenario, catalog, TODAY)
    items = checklist.chosen_items(subject_of(scenario, catalog), scenario.answers)
    out: list[dict[str, Any]] = []
    for item in items:
        entry: dict[str, Any] = {"item": item.code, "decision": "accept"}
        if scenario.expected.decision is ExpectedDecision.REFUSE:
            entry["decision"] = "refuse"
            if (
                item.code == scenario.expected.refusal_item
                and scenario.expected.refusal_reason != APPLICANT_TYPE_REASON
            ):
                entry["refusal_reason"] = scenario.expected.refusal_reason
            else:
                own = [r for r in verdict.refusals if r.item == item.code]
                if own and own[0].reason_id:
                    entry["refusal_reason"] = own[0].reason_id
                else:
                    entry["reason"] = own[0].text if own else "见一次性告知"
                    entry["legal_basis"] = (own[0].legal_basis if own else "") or "—"
        elif any(item.code in m.items for m in verdict.missing):
            entry["decision"] = "notice"
        out.append(entry)
    return out
