"""A tenant's message as one database transaction: the turn store the shell runs in, and the
flow's effects carried out (a Call submitted, support asked for, a petition signed...)."""
