"""The gateway's own HTTP endpoints (everything the proxy does not forward)."""
