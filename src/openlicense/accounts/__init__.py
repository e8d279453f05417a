"""Accounts: organisations, users, roles, login tokens and API keys. Owns who may do what."""
