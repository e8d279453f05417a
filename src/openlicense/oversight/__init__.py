"""The IP office's read side: audit queries, statistics, exports, ledger verification against
the agreements, and the auditors' access log. Reads every domain; nothing imports it but `app`."""
