"""Cross-cutting infrastructure every layer may use: errors, settings, clock, JSON encoding, i18n."""
