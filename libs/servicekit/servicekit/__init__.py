"""Shared building blocks of the Brobygger services. No domain logic lives here."""
