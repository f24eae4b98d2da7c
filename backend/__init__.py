"""The FastAPI app, persistence, officer workflow and public pages, composed into one ASGI app."""
