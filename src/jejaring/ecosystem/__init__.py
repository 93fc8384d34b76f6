"""The ecosystem: links between firms, links expected from an input–output structure, and the gaps."""
