"""Adapters around the clerk core: the hall service, its client, credentials, doctor checks."""
