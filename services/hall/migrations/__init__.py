"""Alembic migrations of the hall store, applied automatically at start (services.hall.migrate)."""
