"""REST API routers, one per domain, and the dashboard pages."""
