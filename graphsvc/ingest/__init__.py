"""The ingest pipeline, one module per stage: scan, hash, parse, resolve, write."""
