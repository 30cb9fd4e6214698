"""Request and response models (pydantic) of the registry's HTTP API."""
