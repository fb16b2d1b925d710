"""The cooperation office's two other jobs: who to put in touch (ranking with reasons, drafted
introductions) and advice on a proposed project (its one-page brief, arrivals and departures,
digests of changes)."""
