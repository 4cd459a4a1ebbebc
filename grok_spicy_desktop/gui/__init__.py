"""PySide6 widgets, dialogs, Qt models, the Qt observer and QThreadPool workers."""
