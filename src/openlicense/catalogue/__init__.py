"""Catalogue: patents (with register facts) and their open-licence declarations (versioned).

Owns what may be offered and on which terms; not what a licence costs (pricing) or who took one
(agreements)."""
