"""Command-line interface (Typer + Rich): thin commands that parse, call an engine and render."""
