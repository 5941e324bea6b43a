"""The section staff's Excel 調査票, both ways.

`export` writes one workbook per counter (with `guide`, the 記入要領, and `sheetstyle`); `reader` reads a
filled one back into inventory data, remembering each value's cell (through `cells` and `successors`);
`check` runs the format's own checks on it, each problem at FILE.xlsx!SHEET!CELL; `merge` brings it into
the YAML files through `bpr.survey.yamldoc` (with `plain`, which writes unchanged parts as the file does).
The layout (sheets, columns, what each cell holds) is one table in `layout`, shared by both directions.
"""
