"""Jejaring: the platform for Indonesia's small and medium industry (IKM) ecosystem."""

__version__ = "0.1.0"
