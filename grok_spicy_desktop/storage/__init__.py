"""Project folders, project.json schema and migrations, settings, secrets, logging (no Qt)."""
