"""The session engine: time, the event log and how it folds into what is happening now."""
