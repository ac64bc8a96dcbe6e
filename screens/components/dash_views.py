"""What the supervisor panel shows of clerk.dashboard.Figures: the headline figures and alerts
(DashSummary), the waiting per category (DashCategories), the windows (DashWindows, a table) and
the tickets served per hour (DashChart, textual-plotext)."""

from __future__ import annotations

from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from clerk import i18n
from clerk.dashboard import Alert, Figures


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return i18n.t("supervisor.fmt.minutes", value=f"{seconds / 60:.1f}")


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def alert_text(alert: Alert) -> str:
    return i18n.t(
        f"supervisor.alert.{alert.kind}",
        subject=alert.subject,
        minutes=alert.minutes,
        detail=alert.detail,
    )


class DashSummary(Static):
    """Headline figures, case rates, hand-off health and alerts."""

    def show(self, f: Figures) -> None:
        t = i18n.t
        lines = [
            t(
                "supervisor.summary.queue",
                waiting=f.waiting_total,
                longest=minutes(f.longest_wait_s),
                target=f.wait_target_minutes,
            ),
            t(
                "supervisor.summary.times",
                avg_wait=minutes(f.avg_wait_s),
                p90_wait=minutes(f.p90_wait_s),
                avg_service=minutes(f.avg_service_s),
                p90_service=minutes(f.p90_service_s),
                served=f.served_total,
            ),
            t(
                "supervisor.summary.cases",
                decisions=f.decisions,
                on_spot=percent(f.on_spot_rate),
                notice=percent(f.notice_rate),
                refused=percent(f.refusal_rate),
            ),
            t(
                "supervisor.summary.due",
                overdue=f.cases_overdue,
                near=f.cases_near,
                pending=f.handoff_pending,
                dead=f.handoff_dead,
            ),
        ]
        if f.due:
            lines.append(
                t(
                    "supervisor.summary.due_list",
                    cases="、".join(
                        t("supervisor.summary.due_item", case=d.case_no[-9:], days=d.days)
                        for d in f.due[:4]
                    ),
                )
            )
        if f.alerts:
            lines.append(
                t("supervisor.summary.alerts", alerts="；".join(alert_text(a) for a in f.alerts))
            )
        else:
            lines.append(t("supervisor.summary.no_alerts"))
        self.update("\n".join(lines))
        self.set_class(bool(f.alerts), "-alert")


class DashCategories(Static):
    def show(self, f: Figures) -> None:
        parts = [
            i18n.t(
                "supervisor.category",
                prefix=c.prefix,
                name=c.name,
                waiting=c.waiting,
                longest=minutes(c.longest_wait_s),
            )
            for c in f.categories
        ]
        self.update("    ".join(parts) or i18n.t("supervisor.no_categories"))


class DashWindows(DataTable[str]):
    """One row per window; the cursor row is the window the actions default to."""

    COLUMNS = ("window", "clerk", "state", "current", "categories", "served", "avg")

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key in self.COLUMNS:
            self.add_column(i18n.t(f"supervisor.windows.{key}"), key=key)

    def show(self, f: Figures) -> None:
        row = self.cursor_row
        self.clear()
        for w in f.windows:
            if w.state == "paused":
                state = i18n.t(
                    "supervisor.state.paused_for",
                    reason=w.pause_reason or "",
                    minutes=(w.paused_s or 0) // 60,
                )
            else:
                state = i18n.t(f"supervisor.state.{w.state}")
            self.add_row(
                f"{w.number} {w.name}",
                w.clerk or "—",
                state,
                w.current or "—",
                ",".join(w.categories) or "—",
                str(w.served),
                minutes(w.avg_service_s),
                key=str(w.number),
            )
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1))

    @property
    def selected_window(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # an empty or changing table
            return None
        return int(str(key.value)) if key.value is not None else None


class DashChart(PlotextPlot):
    """Tickets served per hour today (bars)."""

    def show(self, f: Figures) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        hours = dict(f.served_by_hour)
        span = range(min([8, *hours]), max([17, *hours]) + 1)
        counts = [hours.get(h, 0) for h in span]
        plt.bar([f"{h}" for h in span], counts)
        top = max(counts) if counts else 0
        step = max(1, -(-top // 5))
        plt.yticks(list(range(0, top + step, step)))
        plt.title(i18n.t("supervisor.chart.title"))
        self.refresh()
