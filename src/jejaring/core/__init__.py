"""Shared building blocks: settings, database, i18n, identifiers."""
