"""Adapters that turn the domain's data into files on disk (and back)."""
