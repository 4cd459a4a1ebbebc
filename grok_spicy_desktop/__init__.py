"""Grok Spicy Desktop: turn a story idea into a short AI video with consistent characters."""

__version__ = "0.1.0"
APP_NAME = "Grok Spicy"
APP_ID = "grok-spicy"
