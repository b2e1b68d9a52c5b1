"""Coordination pages: overview, overlap review and runs, consolidation proposals."""
