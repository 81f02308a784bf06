"""One screen per step a facilitator takes: home, format, group, live, summary."""
