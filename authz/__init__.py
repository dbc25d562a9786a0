"""Authorization: roles (Django groups), page restriction rules and the
viewer a signed-in user reads the graph as."""
