"""The proxy path: a lean ASGI app that forwards `/v1/<collection>` to the owning service."""
