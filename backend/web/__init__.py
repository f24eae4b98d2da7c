"""HTTP: the routes (the top of the backend), their dependencies, middleware, form helpers and
Telegram polling."""
