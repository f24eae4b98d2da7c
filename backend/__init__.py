"""The service: feature packages (store, messaging, petitions, casework, appeals, people,
turns, web) composed into one ASGI app (app.py) and one command (cli.py).

docs/ARCHITECTURE.md maps them.
"""
