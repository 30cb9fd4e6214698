"""Bulk upserts by (municipality, external_ref) for jobcenter integrations: HTTP batches and the CSV import."""
