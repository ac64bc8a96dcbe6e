"""Text shown in place: a Static changes only when what it shows changes, and the screen is laid
out again only when the widget's size can follow its text.

Textual lays out the whole screen on every `Static.update` (it cannot know the size stays the
same). After a key on the intake screen most updates show what was already there, and those
layouts and full repaints were most of what a key cost (issue 17, bench/keys.py).
"""

from __future__ import annotations

from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static


def fixed_size(widget: Widget) -> bool:
    """True when the CSS fixes the height in cells and the width does not follow the content."""
    height, width = widget.styles.height, widget.styles.width
    return height is not None and height.is_cells and not (width is not None and width.is_auto)


def show(widget: Static, content: VisualType) -> bool:
    """Update `widget` to `content` unless it shows that already; True when it changed."""
    if widget.content == content:
        return False
    widget.update(content, layout=not fixed_size(widget))
    return True
