"""The section staff's Excel 調査票, both ways: `export` writes one workbook per counter, `reader` reads a filled one
back into inventory data, located cell by cell, and `importer` checks it and merges it into the YAML files.

The layout (sheets, columns, what each cell holds) is one table in `layout`, shared by both directions.
"""
