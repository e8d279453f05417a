"""Work outside requests: the periodic tasks (lifecycle pass, search outbox, ledger checkpoints),
their in-process loops, and the admin routes that run them now. Part of the wiring layer: it may
import every domain; no domain imports it."""
