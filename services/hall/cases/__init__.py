"""Cases (issue 6): drafts, decisions, visits, cases, case numbers, status changes.

models.py   tables (on the foundation's declarative Base); migration 0003_cases
schemas.py  request/response bodies (the draft's state; masked case views)
service.py  the use cases (drafts, decide, lookup, reveal) and the seams for the hand-off room:
            apply_status(session, case_no, new_status, *, by, note, data) and case_payload(case)
router.py   /api/v1/drafts, /api/v1/visits, /api/v1/cases (see README.md)
"""
