"""Read practice scenarios from JSON (UTF-8). The packaged ones live in clerk/practice/scenarios/.

A file holds `{"scenarios": [SCENARIO, ...]}` (or one SCENARIO object):

    {
      "id": "P-SCJG-005-A",
      "title": "个体工商户设立：材料齐全",
      "difficulty": "easy",                      # easy / medium / hard
      "items": ["SCJG-005"],                     # or "theme": "YJS-002"
      "persona": {"kind": "person", "name": "王建国", "id_number": "110105199003071233",
                  "id_valid_until": "2036-03-07", "phone": "13812345678",
                  "says": "我想在小区门口开个修鞋铺", "elicenses": ["居民身份证"]},
                 # an organisation: "kind": "organization", "name", "uscc", "legal_rep", "phone"
      "agent": {"name": "…", "id_number": "…", "phone": "…"},          # optional (代办人)
      "answers": {"agent": false, "has_property_cert": false},
      "documents": [
        {"material": "经营场所使用证明", "description": "租赁合同复印件，未盖出租方公章",
         "traps": ["copy_without_seal"]},
        {"material": "户口簿", "description": "户口簿原件", "extra": true}
      ],
      "promises": {"rongque": ["平面布局图"], "gaozhi": []},
      "expected": {"decision": "notify", "missing": ["经营场所使用证明"]},
                  # refuse: "refusal": {"item": "SCJG-010", "reason": "R2" | "applicant_type"}
      "traps": ["situation"],                    # visit-level traps (documents carry their own)
      "brief": "…", "lesson": "…"
    }

Unknown keys are errors (a typo would otherwise silently drop a trap). `ScenarioError` names the
file and the scenario.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from clerk.catalog.model import Answer
from clerk.practice.model import (
    ORGANIZATION,
    PERSON,
    Difficulty,
    Document,
    Expected,
    ExpectedDecision,
    Person,
    Persona,
    Promises,
    Scenario,
    ScenarioSet,
    Subject,
    Trap,
)

__all__ = ["ScenarioError", "load_scenarios", "packaged_files", "parse_scenario", "read_files"]

SCENARIO_KEYS = {
    "id",
    "title",
    "difficulty",
    "items",
    "theme",
    "persona",
    "agent",
    "answers",
    "documents",
    "promises",
    "expected",
    "traps",
    "brief",
    "lesson",
}
PERSONA_KEYS = {
    "kind",
    "name",
    "phone",
    "id_number",
    "id_valid_until",
    "uscc",
    "legal_rep",
    "says",
    "elicenses",
}
AGENT_KEYS = {"name", "id_number", "id_valid_until", "phone"}
DOCUMENT_KEYS = {"material", "description", "traps", "extra"}
PROMISE_KEYS = {"rongque", "gaozhi"}
EXPECTED_KEYS = {"decision", "missing", "refusal"}
REFUSAL_KEYS = {"item", "reason"}


class ScenarioError(ValueError):
    """A scenario file that cannot be read; the message names the file and the scenario."""

    def __init__(self, source: str, scenario: str | None, problem: str) -> None:
        self.source = source
        self.scenario = scenario
        self.problem = problem
        where = f"{source}: {scenario}" if scenario else source
        super().__init__(f"{where}: {problem}")


def _keys(data: Mapping[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"unknown key(s) in {what}: {', '.join(unknown)}")


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be an object")
    return value


def _strs(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what} must be a list of strings")
    return tuple(value)


def _str(data: Mapping[str, Any], key: str, what: str, *, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"{what}.{key} must be a string")
    if required and not value.strip():
        raise ValueError(f"{what}.{key} is required")
    return value


def _traps(value: Any, what: str) -> tuple[Trap, ...]:
    out: list[Trap] = []
    for text in _strs(value, what):
        try:
            out.append(Trap(text))
        except ValueError:
            allowed = ", ".join(t.value for t in Trap)
            raise ValueError(f"{what}: unknown trap {text!r} (one of {allowed})") from None
    return tuple(out)


def _answers(value: Any) -> dict[str, Answer]:
    data = _obj(value or {}, "answers")
    out: dict[str, Answer] = {}
    for key, answer in data.items():
        if not isinstance(answer, (bool, int, float, str)):
            raise ValueError(f"answers.{key} must be true/false, a number or an option value")
        out[str(key)] = answer
    return out


def _persona(value: Any) -> Persona:
    data = _obj(value, "persona")
    _keys(data, PERSONA_KEYS, "persona")
    kind = _str(data, "kind", "persona") or PERSON
    if kind not in (PERSON, ORGANIZATION):
        raise ValueError(f"persona.kind must be {PERSON} or {ORGANIZATION}, not {kind!r}")
    return Persona(
        kind=kind,
        name=_str(data, "name", "persona", required=True),
        phone=_str(data, "phone", "persona", required=True),
        id_number=_str(data, "id_number", "persona"),
        id_valid_until=_str(data, "id_valid_until", "persona"),
        uscc=_str(data, "uscc", "persona"),
        legal_rep=_str(data, "legal_rep", "persona"),
        says=_str(data, "says", "persona"),
        elicenses=_strs(data.get("elicenses"), "persona.elicenses"),
    )


def _agent(value: Any) -> Person | None:
    if value is None:
        return None
    data = _obj(value, "agent")
    _keys(data, AGENT_KEYS, "agent")
    return Person(
        name=_str(data, "name", "agent", required=True),
        id_number=_str(data, "id_number", "agent"),
        id_valid_until=_str(data, "id_valid_until", "agent"),
        phone=_str(data, "phone", "agent"),
    )


def _document(value: Any, index: int) -> Document:
    what = f"documents[{index}]"
    data = _obj(value, what)
    _keys(data, DOCUMENT_KEYS, what)
    extra = data.get("extra", False)
    if not isinstance(extra, bool):
        raise ValueError(f"{what}.extra must be true or false")
    traps = _traps(data.get("traps"), f"{what}.traps")
    for trap in traps:
        if not trap.on_document:
            raise ValueError(f"{what}: {trap.value} is a visit-level trap; list it in traps")
    return Document(
        material=_str(data, "material", what, required=True),
        description=_str(data, "description", what, required=True),
        traps=traps,
        extra=extra,
    )


def _expected(value: Any) -> Expected:
    data = _obj(value, "expected")
    _keys(data, EXPECTED_KEYS, "expected")
    try:
        decision = ExpectedDecision(_str(data, "decision", "expected", required=True))
    except ValueError:
        allowed = ", ".join(d.value for d in ExpectedDecision)
        raise ValueError(f"expected.decision must be one of {allowed}") from None
    refusal = data.get("refusal")
    item: str | None = None
    reason: str | None = None
    if refusal is not None:
        r = _obj(refusal, "expected.refusal")
        _keys(r, REFUSAL_KEYS, "expected.refusal")
        item = _str(r, "item", "expected.refusal", required=True)
        reason = _str(r, "reason", "expected.refusal", required=True)
    if decision is ExpectedDecision.REFUSE and item is None:
        raise ValueError("expected.refusal is required for decision refuse")
    if decision is not ExpectedDecision.REFUSE and item is not None:
        raise ValueError("expected.refusal is only for decision refuse")
    return Expected(decision, _strs(data.get("missing"), "expected.missing"), item, reason)


def parse_scenario(data: Any, source: str = "") -> Scenario:
    """One scenario from its JSON object; ScenarioError names the source and the scenario."""
    sid = data.get("id") if isinstance(data, dict) else None
    label = str(sid) if sid else None
    try:
        obj = _obj(data, "scenario")
        _keys(obj, SCENARIO_KEYS, "scenario")
        scenario_id = _str(obj, "id", "scenario", required=True)
        try:
            difficulty = Difficulty(_str(obj, "difficulty", "scenario", required=True))
        except ValueError:
            allowed = ", ".join(d.value for d in Difficulty)
            raise ValueError(f"difficulty must be one of {allowed}") from None
        theme = _str(obj, "theme", "scenario") or None
        items = _strs(obj.get("items"), "items")
        if bool(theme) == bool(items):
            raise ValueError("give either items (a list of item codes) or theme (one code)")
        promises = _obj(obj.get("promises") or {}, "promises")
        _keys(promises, PROMISE_KEYS, "promises")
        docs = obj.get("documents") or []
        if not isinstance(docs, list):
            raise ValueError("documents must be a list")
        return Scenario(
            id=scenario_id,
            title=_str(obj, "title", "scenario", required=True),
            difficulty=difficulty,
            subject=Subject(items=items, theme=theme),
            persona=_persona(obj.get("persona")),
            agent=_agent(obj.get("agent")),
            answers=_answers(obj.get("answers")),
            documents=tuple(_document(d, i) for i, d in enumerate(docs)),
            promises=Promises(
                rongque=_strs(promises.get("rongque"), "promises.rongque"),
                gaozhi=_strs(promises.get("gaozhi"), "promises.gaozhi"),
            ),
            expected=_expected(obj.get("expected")),
            traps=_traps(obj.get("traps"), "traps"),
            brief=_str(obj, "brief", "scenario"),
            lesson=_str(obj, "lesson", "scenario"),
            source=source,
        )
    except ValueError as exc:
        raise ScenarioError(source, label, str(exc)) from None


def _read(text: str, source: str) -> list[Scenario]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(source, None, f"not valid JSON: {exc}") from None
    if isinstance(data, dict) and "scenarios" in data:
        entries = data["scenarios"]
        if not isinstance(entries, list):
            raise ScenarioError(source, None, "scenarios must be a list")
    elif isinstance(data, dict):
        entries = [data]
    else:
        raise ScenarioError(source, None, 'expected {"scenarios": [...]} or one scenario object')
    return [parse_scenario(entry, source) for entry in entries]


def read_files(paths: Iterable[Path]) -> ScenarioSet:
    """Scenarios from files and folders (every *.json in a folder, sorted); ids must be unique."""
    found: list[Scenario] = []
    for path in paths:
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for file in files:
            try:
                text = file.read_text("utf-8")
            except OSError as exc:
                raise ScenarioError(str(file), None, f"cannot read: {exc.strerror}") from None
            found.extend(_read(text, str(file)))
    return _unique(found)


def _unique(found: list[Scenario]) -> ScenarioSet:
    seen: dict[str, Scenario] = {}
    for scenario in found:
        if scenario.id in seen:
            raise ScenarioError(
                scenario.source, scenario.id, f"id also used in {seen[scenario.id].source}"
            )
        seen[scenario.id] = scenario
    return ScenarioSet(tuple(found))


def packaged_files() -> list[tuple[str, str]]:
    """(name, text) of every packaged scenario file, sorted by name."""
    folder = resources.files("clerk.practice").joinpath("scenarios")
    return sorted(
        (entry.name, entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    )


_PACKAGED: ScenarioSet | None = None


def load_scenarios(path: Path | None = None) -> ScenarioSet:
    """The scenarios in `path` (a file or folder), else the packaged ones (read once)."""
    global _PACKAGED
    if path is not None:
        return read_files([path])
    if _PACKAGED is None:
        found: list[Scenario] = []
        for name, text in packaged_files():
            found.extend(_read(text, f"scenarios/{name}"))
        _PACKAGED = _unique(found)
    return _PACKAGED
