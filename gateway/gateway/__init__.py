"""The Brobygger gateway: issues tokens and routes `/v1/<collection>` to the owning service."""
