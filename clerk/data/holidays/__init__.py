"""Hall holiday files (see hall-holidays.toml for the format)."""
