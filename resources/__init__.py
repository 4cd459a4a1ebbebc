"""Data files (icons, style sheet, desktop entry, offline demo vocabulary), not code.

This top-level folder is installed as the package ``grok_spicy_desktop.resources`` (see
``[tool.setuptools.package-dir]`` in pyproject.toml); read it through
``grok_spicy_desktop.resource_files``, never by a path relative to a source file.
"""
