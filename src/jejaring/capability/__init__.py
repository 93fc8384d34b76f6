"""Capability and export readiness: assessments, gaps, development plans and programmes."""
