"""One function per operation: load through store, decide with domain, write through store."""
