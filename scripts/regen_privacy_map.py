"""Refresh the generated data map in docs/privacy.md from the table declarations."""

from pathlib import Path

from xborder.privacy.datamap import data_map_markdown

doc = Path(__file__).resolve().parents[1] / "docs" / "privacy.md"
text = doc.read_text(encoding="utf-8")
head, rest = text.split("<!-- data map -->\n", 1)
_, tail = rest.split("<!-- /data map -->", 1)
doc.write_text(
    head + "<!-- data map -->\n" + data_map_markdown() + "<!-- /data map -->" + tail, encoding="utf-8"
)
