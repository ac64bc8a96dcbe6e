"""The `clerk` command: the composition root. Each module here adds one command group.

Modules define `register(group: click.Group) -> None` and are discovered at start, so a new
command is a new file. Heavy imports (Textual, FastAPI, SQLAlchemy) stay inside the commands.
Commands and their options use the decorators of clerk/cli/i18n_help.py; their help text lives in
clerk/i18n/locales/{zh_CN,en}/cli.toml under a key that follows the command tree.
"""
