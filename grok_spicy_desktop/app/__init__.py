"""Application services shared by the GUI and the CLI (no widgets)."""
