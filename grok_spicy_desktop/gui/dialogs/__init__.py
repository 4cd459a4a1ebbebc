"""Dialogs: new project, plan review, export, settings, open project, about.

Each dialog validates its input and shows problems inline next to the field; long work (export,
key test) runs on ``gui.workers.Worker`` with progress and cancel.
"""

from .about import AboutDialog
from .export import ExportDialog
from .new_project import NewProjectDialog, NewProjectRequest
from .open_project import OpenProjectDialog
from .plan_review import PlanReviewDialog
from .settings import SettingsDialog

__all__ = [
    "AboutDialog",
    "ExportDialog",
    "NewProjectDialog",
    "NewProjectRequest",
    "OpenProjectDialog",
    "PlanReviewDialog",
    "SettingsDialog",
]
