"""Tables and every SQL statement of the service: the only room that knows the database."""
