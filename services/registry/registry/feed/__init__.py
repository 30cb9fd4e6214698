"""The change feed the registry publishes: what each entity looks like on it, writing it, serving it."""
