"""The offline demo's story side: the curated vocabulary, the concept reader and the planner."""
