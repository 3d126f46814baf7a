"""Figures drawn with matplotlib, written as PNG and SVG."""
