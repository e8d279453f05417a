"""IP-office audit: tamper-evident ledger, exports, statistics and the auditor access log.

- `chain` — the pure hash chain: every declaration, agreement, payment, refund and recording
  event is a `LedgerEvent`; each stored entry's hash covers the previous hash and the canonical
  JSON of the event, and `verify` names the first broken entry.
- `signing` — Ed25519 checkpoints over the chain (the platform signs `(seq, hash)` periodically
  and publishes its public key), so truncation is detectable and an IP office can verify offline.
- `exports` — streaming CSV and NDJSON writers (memory stays flat for millions of rows) and the
  ledger export row format that `scripts/verify_export.py` checks offline.

The ledger format and the offline procedure are documented in `docs/audit-ledger.md`.
"""
