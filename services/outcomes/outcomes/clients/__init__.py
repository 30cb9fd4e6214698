"""Typed clients of other services."""
