"""Pricing: the fee standards a declaration may state (typed, machine-computable, rule 10).

Fee computation (schedules) builds on these types; it has no database and no web."""
