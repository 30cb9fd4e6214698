"""The gateway's rules as plain Python: routes, scopes and tenants, the circuit breaker, OpenAPI merging."""
