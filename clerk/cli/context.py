"""What every command gets: the flags given on the command line and the settings they imply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import click

from clerk import clock, i18n
from clerk.config import ConfigError, Effective, Settings, load_settings


@dataclass
class CliContext:
    overrides: dict[str, Any] = field(default_factory=dict)
    # The one clock every command reads (a test hands the hall's FakeClock in as the
    # invocation's obj, so the hall and the CLI never disagree about "now").
    clock: clock.Clock = clock.now
    _effective: Effective | None = None

    def effective(self) -> Effective:
        if self._effective is None:
            try:
                self._effective = load_settings(self.overrides)
            except ConfigError as exc:
                raise click.ClickException(i18n.t("error.config", detail=exc)) from exc
            clock.use_zone(self._effective.settings.hall.time_zone)
        return self._effective

    @property
    def settings(self) -> Settings:
        return self.effective().settings

    def override(self, **values: Any) -> None:
        """Add flags given to a subcommand (dotted paths) and rebuild the settings."""
        self.overrides.update({k: v for k, v in values.items() if v is not None})
        self._effective = None


pass_cli = click.make_pass_decorator(CliContext)
