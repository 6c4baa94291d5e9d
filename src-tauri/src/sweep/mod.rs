//! The deletion engine: pacing, retries, outcomes, events, journal and results.
