"""The Textual app: screens, widgets (components/), styles (styles/*.tcss), palette providers.

Screens talk to the hall only through `services.client.HallClient`; nothing here imports the
hall service or the database (enforced by import-linter).

How a room plugs in (no edit to app.py or home.py needed):

- Keys: declare `KeyAction(id, default_key, action, i18n_description_key)` next to your screen
  and put `register(*your_actions)` in its `BINDINGS` (screens/keymap.py). The id is what
  `[keymap]` in the config file remaps; the footer, F1 help and the command palette pick the
  binding up by themselves.
- A screen: subclass `screens.base.ClerkScreen` (translated binding descriptions, steady cursor
  in snapshots, `self.clerk` -> the app: `settings`, `client`, `session`, `clock`,
  `await catalog_and_index()`). Give it its own `CSS_PATH` under styles/. If it can hold work
  not yet sent to the hall, implement `has_unsaved() -> bool` (screens/unsaved.py): quitting and
  signing out then ask first.
- A panel on the window home screen: add a module to `screens/panels/` that defines
  `PANEL = PanelSpec(...)` (see that package's docstring); the widget itself goes in
  `screens/components/<name>.py`.
- Hall calls: in `@work(exclusive=True, group=...)` workers; show `HallClientError.message`
  (already translated); `screens.errors.session_ended(exc)` -> `self.clerk.session_lost(msg)`.
"""
