"""Matchmaking: needs and offers, ranked and explained partner search, consortium proposals."""
