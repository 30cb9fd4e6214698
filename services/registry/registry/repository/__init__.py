"""Every SQL statement of the registry, one module per table family, scoped by tenant."""
