"""Typed HTTP clients of other services: none yet (the registry is called, it calls no one)."""
