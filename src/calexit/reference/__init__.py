"""Shipped public reference data (counties, states, facts) and the California calendar."""
