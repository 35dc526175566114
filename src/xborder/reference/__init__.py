"""Reference rules shipped with the package: taxes, duties, fees, conformity, taxonomy — each sourced and dated."""

from xborder.reference.base import RULE_COLUMNS, as_of, load_table

__all__ = ["RULE_COLUMNS", "as_of", "load_table"]
