"""Catalogue use cases: patents, declarations, bulk import, search documents.

Other domains use the catalogue through this package (and its `models`, `schemas`, `rules`)."""

from openlicense.catalogue.service.declarations import DeclarationService, acceptable_on
from openlicense.catalogue.service.facts import patent_facts
from openlicense.catalogue.service.listing import PatentFilters, PatentPage
from openlicense.catalogue.service.patents import PatentService, open_licence_active
from openlicense.catalogue.service.portfolio import AttentionItem, Portfolio, portfolio

__all__ = [
    "AttentionItem",
    "DeclarationService",
    "PatentFilters",
    "PatentPage",
    "PatentService",
    "Portfolio",
    "acceptable_on",
    "open_licence_active",
    "patent_facts",
    "portfolio",
]
