"""Synthetic national IKM dataset, calibrated to public figures and written as provincial files."""
