"""Provincial intake: upload, header mapping, validation, quarantine, idempotent upsert, import jobs."""
