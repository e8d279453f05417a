"""The neutral kernel: errors, rule violations, the clock, canonical JSON, dates, column types.

Imports no domain package and no web framework; every domain may import it."""
