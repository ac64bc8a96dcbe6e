"""clerk — the comprehensive-window workstation. This package is the headless core."""

__version__ = "0.1.0"
