# Tenant Front Door: one image for the web server and the outbox worker.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# The project is installed editable so templates/ and the migrations stay beside the code.
COPY pyproject.toml README.md ./
COPY conversations ./conversations
COPY bot ./bot
COPY backend ./backend
COPY templates ./templates
RUN pip install -e . && useradd --create-home --uid 10001 frontdoor \
    && mkdir -p /app/var/evidence && chown -R frontdoor /app/var
USER frontdoor

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"
CMD ["frontdoor", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--no-worker"]
