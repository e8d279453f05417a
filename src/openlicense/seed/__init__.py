"""Deterministic demo data: universities, enterprises, users, patents and open-licence declarations.

`seed(session_maker, patents=N, today=...)` fills an empty (migrated) database with a realistic
catalogue for demos, load tests and screenshots. Everything is derived from one fixed random seed
and fixed UUIDs (`uuid5`), so a run is reproducible and idempotent: running it again inserts
nothing, and running it with a larger N adds only the new patents. See docs/demo-data.md for the
demo accounts (`DEMO_USERS`, password `DEMO_PASSWORD`) and what the data contains.

- `data.py`: the name lists and per-field vocabularies (pure data).
- `generate.py`: building the rows and inserting them in chunks with SQLAlchemy Core.
"""
