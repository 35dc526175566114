"""The domains: one folder per business question, each with pure modules and one warehouse stage."""
