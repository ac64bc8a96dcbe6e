"""Catalog errors: every problem names its file, item code and field path, and all are reported
together. A broken catalog raises `CatalogError` holding the whole list; nothing half-loads."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from clerk import i18n


@dataclass(frozen=True)
class Issue:
    """One problem found in the catalog data.

    `key` is an i18n key under `catalog.error.` (or `catalog.warning.`); `params` fill it.
    Rendered: `items/SCJG.json: SCJG-010 materials[3].when.area: unknown situation "area"`.
    """

    file: str
    code: str
    path: str
    key: str
    params: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def message(self) -> str:
        return i18n.t(f"catalog.error.{self.key}", **dict(self.params))

    def where(self) -> str:
        parts = [p for p in (self.code, self.path) if p]
        head = f"{self.file}: " if self.file else ""
        return head + " ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "code": self.code,
            "path": self.path,
            "error": self.key,
            "params": {k: _plain(v) for k, v in self.params},
            "message": self.message,
        }


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


class CatalogError(Exception):
    """The catalog could not be loaded. `issues` lists every problem found, in file order."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__(self.summary())

    def summary(self) -> str:
        head = i18n.t("catalog.error.header", count=len(self.issues))
        return "\n".join([head, *(f"  {issue}" for issue in self.issues)])

    def __str__(self) -> str:
        return self.summary()


Report = Callable[..., None]  # report(path, key, **params): one problem in a catalog side file
_T = TypeVar("_T")


def read_packaged(path: Path, parse: Callable[[Any, Report], _T]) -> _T:
    """A data file shipped with clerk, parsed strictly: shipped data is checked by the tests, so a
    problem here is a broken install and is raised, never half-read silently."""
    problems: list[str] = []

    def report(where: str, key: str, **params: Any) -> None:
        problems.append(f"{where}: {key} {params}")

    parsed = parse(json.loads(path.read_text("utf-8")), report)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return parsed
