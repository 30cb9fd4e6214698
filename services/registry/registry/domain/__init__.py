"""Registry rules: plain Python, no web framework, no SQL."""
