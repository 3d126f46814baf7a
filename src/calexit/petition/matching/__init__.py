"""Linking petition lines to voter registrations: normalisation, exact keys, Splink."""
