"""Repositories: one model's data access, over a session."""

from .async_repository import AsyncRepository
from .repository import Repository

__all__ = ["AsyncRepository", "Repository"]
