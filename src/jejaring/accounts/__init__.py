"""Accounts: users, roles, province and firm scoping, sessions, API tokens, claims and the audit log."""
