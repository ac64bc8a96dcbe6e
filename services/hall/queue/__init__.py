"""The shared hall queue (issue 5): tickets, appointments, atomic call-next, live events.

models.py   tables (on the foundation's declarative Base)
service.py  the transactional operations (one function per use case; router and CLI call them)
events.py   the event table writer, the in-process bus and the Server-Sent Events stream
router.py   /api/v1 endpoints (see README.md)
schemas.py  request/response bodies
settings.py queue settings (closing time, appointment rules, kiosk issuing)
"""
