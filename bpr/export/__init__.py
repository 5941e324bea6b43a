"""Exports: Excel workbooks, Graphviz diagrams, JSON and CSV."""
