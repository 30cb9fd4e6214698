from servicekit.migrations import run_migrations
from webhooks.store.tables import metadata

run_migrations(metadata)
