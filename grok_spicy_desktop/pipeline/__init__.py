"""The six pipeline steps, scheduler, observer protocol, fingerprints and cost ledger (no Qt)."""
