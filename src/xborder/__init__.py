"""xborder: decide which product to develop for which foreign market, from your own data."""

__all__ = ["__version__"]

__version__ = "0.1.0"
