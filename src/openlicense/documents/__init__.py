"""Documents: attachments kept as evidence where the law wants it (consent letters, pledgee
consent, evaluation reports, royalty evidence, proposals, letters of authority). Owns the stored
files' metadata and the storage interface (local file system, or S3-compatible object storage);
it does not own what a document supports (patents, agreements, organisations)."""
