"""Kept for the migrations, which name ``reports.storage.private_storage``: generated
reports and import uploads are in the one private storage (core/storage.py)."""

from core.storage import private_storage

__all__ = ["private_storage"]
