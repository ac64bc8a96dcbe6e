"""Settings: CLI flag > CLERK_* environment > TOML in the user config dir > defaults.

`load_settings` returns the effective settings together with where each value came from, so
`clerk config show` can explain a value instead of leaving the user to guess.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from clerk import clock, paths

Lang = Literal["zh-CN", "en"]


class HallInfo(BaseModel):
    """What the hall prints on its papers."""

    name: str = "示范区政务服务中心"
    address: str = "示范路 1 号"
    phone: str = "021-12345678"
    footer: str = "最多跑一次 · 一窗通办"
    code: str = "310000"
    # Holidays for years chinesecalendar does not know (clerk/data/holidays/hall-holidays.toml
    # explains the format). None: the file shipped with clerk (an estimate); "": none at all.
    holiday_file: str | None = None
    # How applicants query a case (一码查询), printed on receipts.
    query_url: str = ""
    # The hall's time zone (IANA name): its day (numbering, reports, deadlines) and every time
    # shown or printed. Moments are stored in UTC; the machine's own zone is never used.
    time_zone: str = clock.DEFAULT_ZONE

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        clock.zone_named(value)
        return value


class ServiceSettings(BaseModel):
    """The hall service (embedded or `clerk serve`)."""

    db: str | None = None
    host: str = "127.0.0.1"
    port: int = 8470
    token_ttl_minutes: int = 480
    login_max_failures: int = 5
    login_window_minutes: int = 15
    login_lockout_minutes: int = 15
    # The audit chain's anchor file (append-only, outside the store; docs/security.md).
    # None: <data dir>/audit/<digest of the store URL>.anchor.
    audit_anchor: str | None = None


class PrinterSettings(BaseModel):
    """This workstation's printer. kind: pdf (folder), cups, escpos-net, escpos-usb."""

    kind: Literal["pdf", "cups", "escpos-net", "escpos-usb"] = "pdf"
    target: str | None = None
    paper: Literal["A4", "A5", "58mm", "80mm"] = "A4"
    # kind=pdf: the folder PDFs go to (default: <user data dir>/prints).
    pdf_folder: str | None = None
    # A CJK font file for PDFs (.ttf/.otf/.ttc); found among the usual system fonts when unset.
    font: str | None = None


DEMO_BACKOFFICE_URL = "http://127.0.0.1:8471"


class BackofficeSettings(BaseModel):
    """Hand-off to the departments' back offices (docs/backoffice-protocol.md).

    Each department's endpoint comes from `endpoints` (department id -> URL), else
    `default_endpoint` (the demo simulator, `clerk backoffice-sim`). Secrets are never here:
    they live in the keyring (services.credentials, name `backoffice_<dept>`)."""

    enabled: bool = True
    default_endpoint: str = DEMO_BACKOFFICE_URL
    endpoints: dict[str, str] = Field(default_factory=dict)
    # Where back offices send status callbacks (this hall's URL); "" = no callbacks, poll only.
    callback_base: str = ""
    attempts: int = 8
    backoff_base_s: float = 2.0
    backoff_max_s: float = 300.0
    timeout_s: float = 10.0
    lease_s: float = 60.0
    poll_interval_s: float = 30.0
    tick_s: float = 1.0

    def endpoint_for(self, department: str) -> str:
        return (self.endpoints.get(department) or self.default_endpoint).rstrip("/")


class CaseSettings(BaseModel):
    """After the back office: deadline flags, results ready for pickup, notifications to the
    applicant (services/hall/cases/pickup.py, services/notify.py)."""

    # Cases with at most this many working days left before their promised date are flagged.
    near_deadline_workdays: int = 1
    # A result from the back office (`ready_on`) moves a pickup case to 待取件 and notifies.
    auto_ready: bool = True
    ready_on: list[str] = Field(default_factory=lambda: ["certificate_made", "denied"])
    # The SMS adapter: "log" (a line per message in <log dir>/sms.log), "http" (POST to sms_url),
    # "off".
    sms: Literal["log", "http", "off"] = "log"
    sms_url: str = ""
    sms_log: str | None = None
    sms_timeout_s: float = 5.0
    # Retention (docs/security.md): the applicant's ID number, phone and contact data are
    # replaced by their masked form this many days after a case is closed (0: never).
    # `clerk cases purge` and the daily close apply it; every purge is audited.
    retain_days: int = Field(default=180, ge=0)


class SupervisorSettings(BaseModel):
    """The supervisor's dashboard alerts (services/hall/supervisor, clerk/dashboard.py)."""

    # An open window paused for longer than this is an alert.
    pause_alert_minutes: int = Field(default=10, ge=0)
    # Open cases with at most this many working days left before their promised date count as
    # "near" — the same rule as [cases] near_deadline_workdays, with the hall's calendar.
    near_days: int = Field(default=2, ge=0, le=60)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CLERK_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    lang: Lang = "zh-CN"
    hall_url: str | None = None
    window: int | None = None
    theme: Literal["dark", "light"] = "dark"
    wait_target_minutes: int = 15
    hall_token: SecretStr | None = None
    hall: HallInfo = Field(default_factory=HallInfo)
    service: ServiceSettings = Field(default_factory=ServiceSettings)
    printer: PrinterSettings = Field(default_factory=PrinterSettings)
    backoffice: BackofficeSettings = Field(default_factory=BackofficeSettings)
    cases: CaseSettings = Field(default_factory=CaseSettings)
    supervisor: SupervisorSettings = Field(default_factory=SupervisorSettings)
    keymap: dict[str, str] = Field(default_factory=dict)
    # The e-license (电子证照) gateway (services/elicense.py); None: the packaged demo library.
    elicense_url: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=paths.config_file())
        return (init_settings, env_settings, toml)

    def database_url(self) -> str:
        """The store: the configured URL, or the embedded SQLite file in the user data dir."""
        if self.service.db:
            return self.service.db
        folder = paths.private_dir(paths.data_dir())
        return f"sqlite:///{folder / 'hall.sqlite3'}"


class ConfigError(Exception):
    """The config file or environment holds a value clerk cannot use."""


@dataclass(frozen=True)
class Effective:
    settings: Settings
    origins: dict[str, str]


SECRET_WORDS = ("token", "secret", "password")


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and key != "keymap":
            out.update(_flatten(value, path + "."))
        elif isinstance(value, Mapping):
            for sub, subvalue in value.items():
                out[f"{path}.{sub}"] = subvalue
        else:
            out[path] = value
    return out


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        if value is None:
            continue
        node = out
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def read_toml(path: Path | None = None) -> dict[str, Any]:
    path = path or paths.config_file()
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def load_settings(cli: Mapping[str, Any] | None = None) -> Effective:
    """Build the settings. `cli` holds dotted paths from command-line flags ("service.db")."""
    cli_flat = {k: v for k, v in (cli or {}).items() if v is not None}
    toml_flat = _flatten(read_toml())
    try:
        settings = Settings(**_nest(cli_flat))
    except ValidationError as exc:
        raise ConfigError(str(exc)) from exc
    origins: dict[str, str] = {}
    for path in _flatten(settings.model_dump()):
        env_name = "CLERK_" + path.replace(".", "__").upper()
        if path in cli_flat:
            origins[path] = "cli"
        elif env_name in os.environ:
            origins[path] = f"env {env_name}"
        elif path in toml_flat:
            origins[path] = f"file {paths.config_file()}"
        else:
            origins[path] = "default"
    return Effective(settings=settings, origins=origins)


def is_secret(path: str) -> bool:
    leaf = path.rsplit(".", 1)[-1].lower()
    return not path.startswith("keymap.") and any(word in leaf for word in SECRET_WORDS)


def describe(effective: Effective) -> list[tuple[str, str, str]]:
    """Rows of (setting, value, origin) with secrets masked."""
    rows: list[tuple[str, str, str]] = []
    dumped = effective.settings.model_dump()
    for path, value in sorted(_flatten(dumped).items()):
        if isinstance(value, SecretStr):
            shown = "******" if value.get_secret_value() else ""
        elif is_secret(path) and value:
            shown = "******"
        else:
            shown = "" if value is None else str(value)
        rows.append((path, shown, effective.origins.get(path, "default")))
    return rows
