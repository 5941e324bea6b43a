"""bpr: the inventory of a city's counter procedures, validated, scored and planned."""

# The one home of the version: pyproject.toml reads it ([tool.setuptools.dynamic]).
__version__ = "0.1.0"
# The name bpr is installed by (pip install bpr-madoguchi): `bpr` on the package index is another project's.
DISTRIBUTION = "bpr-madoguchi"
