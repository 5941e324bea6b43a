"""bpr: the inventory of a city's counter procedures, validated, scored and planned."""

__version__ = "0.1.0"
