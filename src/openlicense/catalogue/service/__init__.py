"""Catalogue use cases: patents, declarations, bulk import, search documents.

Other domains use the catalogue through this package (and its `models`, `schemas`, `rules`)."""

from openlicense.catalogue.service.declarations import DeclarationService
from openlicense.catalogue.service.facts import patent_facts
from openlicense.catalogue.service.patents import PatentService, open_licence_active

__all__ = [
    "DeclarationService",
    "PatentService",
    "open_licence_active",
    "patent_facts",
]
