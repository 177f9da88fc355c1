# referral-graph API. Build: docker build -t referral-graph .
# It runs in production mode: it refuses to start without REFERRAL_GRAPH_SECRET_KEY (a
# random secret of 32+ characters; README, "Deploy"), creates no demo accounts and seeds
# nothing. The SQLite store lives in /data (a volume owned by the non-root user).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --create-home --uid 10001 referral \
    && mkdir -p /data \
    && chown referral:referral /data
COPY pyproject.toml README.md ./
COPY referral_graph ./referral_graph
COPY api ./api
COPY seed ./seed
RUN pip install --upgrade pip && pip install . \
    && cd / && python -c "from api.web.i18n.catalogue import build; build()"

USER referral
ENV HOST=0.0.0.0 PORT=8000 \
    REFERRAL_GRAPH_MODE=production \
    REFERRAL_GRAPH_DEMO_USERS=false \
    REFERRAL_GRAPH_SEED_ON_START=false \
    REFERRAL_GRAPH_SQLITE_PATH=/data/referral-graph.sqlite3
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health').status == 200 else 1)"
CMD ["referral-graph", "serve"]
