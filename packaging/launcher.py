"""PyInstaller entry script: ``grok_spicy_desktop/__main__.py`` uses relative imports, which fail
when PyInstaller runs it as a top-level script, so the bundle starts here instead."""

import sys

from grok_spicy_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
