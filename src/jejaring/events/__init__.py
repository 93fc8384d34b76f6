"""Temu bisnis: business-matching events, meeting requests and the optimal meeting schedule."""
