"""The needs library (需求库): enterprises' technical needs, their visibility and freshness, and
the matches the search engine finds for them (open-licence patents, achievements, experts), each
with its reasons. Owns no patent, achievement or expert: it reads them. Does not notify anyone:
`needs.service.matching.push_new_matches` tells the enterprise and the matched universities
(inbox and, where chosen, mail) through the notifications service."""
