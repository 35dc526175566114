"""The warehouse: one DuckDB file whose schema is created and upgraded by numbered migrations."""

from xborder.warehouse.connection import connect, table_counts
from xborder.warehouse.migrate import apply_migrations, current_version

__all__ = ["connect", "apply_migrations", "current_version", "table_counts"]
