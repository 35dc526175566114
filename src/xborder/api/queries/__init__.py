"""Read-only warehouse queries behind the API and dashboard; they cope with tables not built yet."""
