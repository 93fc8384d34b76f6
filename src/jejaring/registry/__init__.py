"""Firms, sentra, products, certifications, size class and provenance."""
