"""Where things are kept: the engine and sessions, migrations, references and rate-limit
counters."""
