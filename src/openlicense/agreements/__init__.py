"""Agreements: acceptances of open licences, sealed contracts, recording tasks and the licence
lifecycle."""
