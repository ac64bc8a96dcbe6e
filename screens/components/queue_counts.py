"""How many wait for this window: one line per category it serves (primary first), a total,
and the tickets sent to this window by a transfer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from clerk import i18n


class QueueCounts(Static):
    """Waiting counts; `show()` redraws them (the panel calls it on every queue event)."""

    def __init__(self, *, id: str | None = "queue-counts") -> None:
        super().__init__(i18n.t("queue_tui.panel.loading"), id=id, markup=False)
        self.border_title = i18n.t("queue_tui.panel.waiting_title")
        self.counts: dict[str, int] = {}
        self.plain = ""  # what the table says, as plain text (for tests and logs)

    def show(
        self,
        categories: Sequence[str],
        names: Mapping[str, str],
        counts: Mapping[str, int],
        *,
        for_window: int = 0,
    ) -> None:
        self.counts = {prefix: int(counts.get(prefix, 0)) for prefix in categories}
        if not categories:
            self.plain = i18n.t("queue_tui.panel.no_categories")
            self.update(self.plain)
            return
        lines: list[str] = []
        table = Table.grid(padding=(0, 2))
        table.add_column()
        table.add_column(justify="right")
        table.add_column()
        for index, prefix in enumerate(categories):
            count = self.counts[prefix]
            label = i18n.t("queue_tui.panel.count", prefix=prefix, name=names.get(prefix, ""))
            people = i18n.t("queue_tui.panel.people", count=count)
            lines.append(f"{label.strip()}  {people}")
            table.add_row(
                Text(label.strip(), style="bold" if index == 0 else ""),
                Text(people, style="bold" if count else ""),
                Text(i18n.t("queue_tui.panel.primary") if index == 0 else "", style="dim"),
            )
        if for_window:
            lines.append(i18n.t("queue_tui.panel.for_window", count=for_window))
            table.add_row(Text(lines[-1]), "", "")
        lines.append(i18n.t("queue_tui.panel.total", count=sum(self.counts.values())))
        table.add_row(Text(lines[-1], style="dim"), "", "")
        self.plain = "\n".join(lines)
        self.update(table)
