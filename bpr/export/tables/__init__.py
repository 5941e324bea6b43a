"""The tables the workbook and the report both show, each defined once (model.py: what a table is).

A table module builds a `Table` from a scope; the workbook writes it as a sheet or a block of 概要
(bpr/export/workbook/shared_tables.py) and the report as an HTML table (bpr/export/report/tables.py),
each choosing the columns it shows with `Table.select`.
"""
