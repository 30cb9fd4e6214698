"""Registry HTTP layer: one module per collection."""
