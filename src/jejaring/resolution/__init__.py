"""Entity resolution: one firm, one record — across offices, files and years."""
