"""Practice mode for trainers (练习模式): scenarios, their validation against the real checklist
engine, and scoring. Pure: no Textual, no HTTP, no SQL (the hall's practice room stores sessions
and attempts; the practice screens play them).

    model.py      Scenario, Persona, Document (with trap flags), Expected
    loader.py     load_scenarios(path | None) -> ScenarioSet   (packaged scenarios/*.json)
    validate.py   validate(scenario, catalog) -> problems      (recomputes clerk.checklist.verdict)
    scoring.py    score(scenario, catalog, attempt) -> Score    (pure)
"""
