"""The one question the shell asks a screen before quitting or signing out.

A screen (or a home panel) that holds work not yet sent to the hall implements
`has_unsaved() -> bool`; quitting asks for confirmation only when one of them says yes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable


@runtime_checkable
class HasUnsaved(Protocol):
    def has_unsaved(self) -> bool: ...


def any_unsaved(nodes: Iterable[object]) -> bool:
    return any(isinstance(node, HasUnsaved) and node.has_unsaved() for node in nodes)
