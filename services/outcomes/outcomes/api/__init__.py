"""HTTP in, HTTP out: one module per collection."""
