"""Widgets of the shell, one per snake_case file. Their styles live in styles/components.tcss."""
