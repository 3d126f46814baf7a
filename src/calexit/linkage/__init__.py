"""Linkage backends: run the petition matching SQL and Splink on DuckDB or Spark."""
