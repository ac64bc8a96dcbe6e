"""The hall service fixtures live in tests/support/fixtures.py so other test packages can import
them the same way (see that module's docstring for the list)."""

from tests.support.fixtures import *  # noqa: F403
