"""Getting a city's data in: the national survey of procedures and the section staff's Excel 調査票."""
