"""Brobygger outcomes service."""
