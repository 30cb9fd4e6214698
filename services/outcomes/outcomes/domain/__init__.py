"""The rules of account (ECONOMICS.md): plain Python and numpy, no web or database imports."""
