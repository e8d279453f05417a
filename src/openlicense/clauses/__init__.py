"""Clauses: the versioned clause library for licence agreements (domain.md §5)."""
