"""Packaged practice scenarios (JSON); read by clerk.practice.loader."""
