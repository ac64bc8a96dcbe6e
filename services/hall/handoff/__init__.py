"""The hall's side of the back-office hand-off: tables (models.py), use cases (service.py),
HTTP (router.py) and the app wiring (wiring.py). The outbox itself is services/hall/outbox.py and
the dispatcher services/hall/dispatcher.py; the protocol is services/backoffice/protocol.py."""
