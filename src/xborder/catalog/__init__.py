"""The product catalogue: the xborder category taxonomy and assigning categories to products."""

from xborder.catalog.taxonomy import CATEGORY_IDS, categories

__all__ = ["CATEGORY_IDS", "categories"]
