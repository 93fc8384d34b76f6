"""Insights: headline indicators, breakdowns, maps, location quotients and sentra strength, from rollups."""
