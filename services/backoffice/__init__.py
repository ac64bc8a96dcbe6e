"""The back-office hand-off: the wire protocol (protocol.py, docs/backoffice-protocol.md) and the
reference back office (simulator/, `clerk backoffice-sim`). The hall's side — outbox, dispatcher,
callbacks — lives in services/hall (outbox.py, dispatcher.py, handoff/)."""
