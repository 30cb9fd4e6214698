"""Pydantic request and response bodies (the HTTP contract), one module per collection."""
