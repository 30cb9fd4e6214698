"""Every table and SQL statement of the registry, scoped by tenant: the only room that knows the database."""
