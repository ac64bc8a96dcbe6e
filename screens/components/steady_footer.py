"""SteadyFooter: Textual's Footer that rebuilds its keys only when what it shows changes.

Textual's Footer throws away and mounts again every key widget whenever the screen's bindings
signal fires — on every focus change, so on every Tab through the applicant form. The keys it
shows are mostly the same before and after; rebuilding them cost a third of signing in and of
each step of intake. This footer remembers what it composed (key, label, action, enabled,
tooltip, group) and skips the rebuild when that is unchanged; when only which keys are enabled
changed (moving down the intake checklist, from a row that takes an e-license to one that does
not), it sets them on the keys it has instead of rebuilding.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class SteadyFooter(Footer):
    _composed: Hashable = None

    def _shown(self) -> Hashable:
        """Everything `Footer.compose` reads from the active bindings."""
        app = self.app
        keys = tuple(
            (
                binding.key,
                binding.action,
                binding.description,
                binding.group.description if binding.group else None,
                binding.group.compact if binding.group else None,
                app.get_key_display(binding),
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        palette = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        palette_key = None
        if palette is not None and self.show_command_palette:
            _, binding, enabled, _ = palette
            palette_key = (binding.key, binding.description, enabled, app.get_key_display(binding))
        return (keys, palette_key, self.compact)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed = self._shown()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._bindings_ready
            and self.is_attached
            and screen is self.screen
            and self._composed is not None
        ):
            shown = self._shown()
            if shown == self._composed:
                return  # the same keys: nothing to rebuild
            if _shape(shown) == _shape(self._composed) and self._set_enabled(shown):
                self._composed = shown
                return
        super().bindings_changed(screen)

    def _set_enabled(self, shown: Hashable) -> bool:
        """Enable and disable the keys in place; False when a key is not where it was."""
        assert isinstance(shown, tuple)
        keys, palette, _ = shown
        enabled = {(k[0], k[1]): k[6] for k in keys}
        for widget in self.query(FooterKey):
            if widget.has_class("-command-palette"):
                if palette is None:
                    return False
                widget.disabled = not palette[2]
            elif (widget.key, widget.action) in enabled:
                widget.disabled = not enabled[(widget.key, widget.action)]
            else:
                return False
        return True


def _shape(shown: Hashable) -> Hashable:
    """What the footer shows, leaving out which keys are enabled."""
    assert isinstance(shown, tuple)
    keys, palette, compact = shown
    return (
        tuple(k[:6] + k[7:] for k in keys),
        None if palette is None else (palette[0], palette[1], palette[3]),
        compact,
    )
