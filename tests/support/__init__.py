"""Helpers shared by test packages (plain functions, usable outside pytest fixtures too)."""
