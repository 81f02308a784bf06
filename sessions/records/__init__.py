"""Records of a session: its summary, actions, Markdown export, anonymising and the history."""
