"""The wiki's server-rendered views, split by feature (pages, search, home, health)."""
