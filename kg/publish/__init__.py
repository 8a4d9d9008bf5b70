"""Publishing: records in, a release directory out (dumps, reports, quarantine, query index)."""
