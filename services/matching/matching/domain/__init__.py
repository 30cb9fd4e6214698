"""Matching rules: features, retrieval, ranking, explanations, assignment, exposure. No framework imports."""
