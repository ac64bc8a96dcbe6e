"""`clerk doctor` checks for the hall side: database reachable, migrations current, the hall
holiday file, keyring."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy.engine import make_url

from clerk import i18n
from clerk.config import Settings
from clerk.doctor import CheckResult
from services import credentials


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_folder_problem(file: Path) -> str | None:
    """Why SQLite could not create `file`, or None. SQLite creates the file but never its folder,
    so a missing or read-only folder only shows up when the service first starts."""
    folder = file.parent
    if not folder.exists():
        return i18n.t("admin.doctor.sqlite_no_folder", folder=folder)
    if not folder.is_dir():
        return i18n.t("admin.doctor.sqlite_not_folder", folder=folder)
    # access() also answers EROFS for root on a read-only mount, where root's bypass ends.
    if not os.access(folder, os.W_OK | os.X_OK):
        return i18n.t("admin.doctor.sqlite_read_only", folder=folder)
    return None


def check_database(settings: Settings) -> list[CheckResult]:
    from services.hall import migrate
    from services.hall.bootstrap import describe_error
    from services.hall.db import make_engine, normalise_url, safe_url

    name_db = i18n.t("admin.doctor.database")
    name_mig = i18n.t("admin.doctor.migrations")
    try:
        url = normalise_url(settings.database_url())
        shown = safe_url(url)
        file = _sqlite_file(url)
    except Exception as exc:
        return [
            CheckResult(name_db, False, describe_error(exc), fix=i18n.t("admin.doctor.fix_db_url"))
        ]
    if file is not None and not file.exists():
        unusable = _sqlite_folder_problem(file)
        if unusable is not None:
            return [
                CheckResult(
                    name_db,
                    False,
                    unusable,
                    fix=i18n.t("admin.doctor.fix_sqlite_folder", folder=file.parent, url=shown),
                )
            ]
        detail = i18n.t("admin.doctor.sqlite_new", url=shown)
        return [
            CheckResult(name_db, True, detail),
            CheckResult(name_mig, True, i18n.t("admin.doctor.migrations_at_start")),
        ]
    try:
        engine = make_engine(url)
    except Exception as exc:
        return [
            CheckResult(name_db, False, describe_error(exc), fix=i18n.t("admin.doctor.fix_db_url"))
        ]
    try:
        try:
            current = migrate.current_revision(engine)
        except Exception as exc:
            fix = i18n.t(
                "admin.doctor.fix_postgres"
                if url.startswith("postgresql")
                else "admin.doctor.fix_sqlite",
                url=shown,
            )
            return [
                CheckResult(
                    name_db,
                    False,
                    i18n.t("admin.doctor.db_unreachable", url=shown, error=describe_error(exc)),
                    fix=fix,
                )
            ]
        results = [CheckResult(name_db, True, i18n.t("admin.doctor.db_ok", url=shown))]
        head = migrate.head_revision()
        if current == head:
            results.append(
                CheckResult(name_mig, True, i18n.t("admin.doctor.migrations_ok", rev=head))
            )
        elif current is not None and current not in migrate.known_revisions():
            results.append(
                CheckResult(
                    name_mig,
                    False,
                    i18n.t("admin.doctor.migrations_newer", rev=current),
                    fix=i18n.t("admin.doctor.fix_upgrade_clerk"),
                )
            )
        else:
            results.append(
                CheckResult(
                    name_mig,
                    False,
                    i18n.t("admin.doctor.migrations_behind", rev=current or "-", head=head),
                    fix=i18n.t("admin.doctor.migrations_at_start"),
                    required=False,
                )
            )
        return results
    finally:
        engine.dispose()


def check_keyring() -> CheckResult:
    status = credentials.backend_status()
    return CheckResult(
        i18n.t("admin.doctor.keyring"),
        status.available,
        status.detail,
        fix=None if status.available else i18n.t("admin.doctor.fix_keyring"),
        required=False,
    )


def check_holidays(settings: Settings, today: dt.date) -> CheckResult:
    """The hall holiday file is read for every promised date: a broken one stops acceptances.
    Where it and chinesecalendar leave part of the next twelve months (from the hall's `today`)
    unknown, promised dates there are estimates: a warning naming the years."""
    from clerk.workdays import (
        DEFAULT_HOLIDAY_FILE,
        HolidayFileError,
        coverage_gaps,
        default_calendar,
    )

    name = i18n.t("admin.doctor.holidays")
    configured = settings.hall.holiday_file
    if configured == "":
        return CheckResult(name, True, i18n.t("admin.doctor.holidays_none"))
    file = configured if configured is not None else DEFAULT_HOLIDAY_FILE
    try:
        calendar = default_calendar(configured)
    except HolidayFileError as exc:
        return CheckResult(
            name,
            False,
            i18n.t("admin.doctor.holidays_bad", file=file, error=exc),
            fix=i18n.t("admin.doctor.fix_holidays", file=file),
        )
    hall_file = calendar.hall_file
    years = sorted(hall_file.years) if hall_file is not None else []
    shown = ", ".join(str(y) for y in years) or "-"
    gaps = coverage_gaps(calendar, today)
    if gaps:
        notes = i18n.t("workdays.estimate.separator").join(n.message() for n in gaps)
        return CheckResult(
            name,
            False,
            i18n.t("admin.doctor.holidays_estimated", until=_year_ahead(today), notes=notes),
            fix=i18n.t(
                "admin.doctor.fix_holidays_estimated",
                years=", ".join(sorted({str(n.year) for n in gaps})),
                file=file if configured else DEFAULT_HOLIDAY_FILE,
            ),
            required=False,
        )
    return CheckResult(name, True, i18n.t("admin.doctor.holidays_ok", file=file, years=shown))


def _year_ahead(today: dt.date) -> str:
    return (today + dt.timedelta(days=365)).isoformat()


def run(settings: Settings, today: dt.date) -> list[CheckResult]:
    """Every hall-side check; `today` is the hall's day (the holiday coverage counts from it)."""
    return [*check_database(settings), check_holidays(settings, today), check_keyring()]
