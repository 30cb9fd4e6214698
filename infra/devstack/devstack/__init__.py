"""Local development and test stack for Brobygger."""
