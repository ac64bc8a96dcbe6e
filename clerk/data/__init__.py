"""Data files shipped with clerk."""
