"""Following the registry's change feed into the citizen projection."""
