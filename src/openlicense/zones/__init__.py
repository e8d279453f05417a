"""Online zones (线上专区) curated by a TTO, a province or the platform, listing patents,
achievements and challenges; and matchmaking events (专场对接活动) with the items on show,
enterprises' registrations and the outcomes (introductions, licences, agreements) counted per
event."""
