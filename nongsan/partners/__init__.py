"""Partner marketplaces: API access, ingest of households and milestones, signed webhooks."""
