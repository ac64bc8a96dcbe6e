"""The practice room (练习模式): sessions a trainer assigns, attempts a trainee plays, scores.

A sandbox in its own namespace of the store: tables practice_* only; case numbers LX-…; nothing
is written to the live queue, cases, drafts, statistics or outbox, and nothing reaches the back
office. Every mutation is audited (practice.*). Endpoints under /api/v1/practice/ (router.py).
"""
