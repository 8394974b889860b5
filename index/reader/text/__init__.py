"""Text-level steps: character normalisation, page chrome, and the report's title, agency and year."""
