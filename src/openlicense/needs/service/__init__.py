"""Needs use cases: the library (post, read, confirm, close), matching, and answers."""

from openlicense.needs.service.answers import mark_met
from openlicense.needs.service.library import NeedService, viewer_kind
from openlicense.needs.service.matching import MatchingService, push_new_matches

__all__ = ["MatchingService", "NeedService", "mark_met", "push_new_matches", "viewer_kind"]
