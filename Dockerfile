# One multi-stage build; each service is a target: docker build --target registry -t brobygger/registry .
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY libs/servicekit libs/servicekit
RUN pip install --no-deps ./libs/servicekit

FROM base AS with-taxonomy
COPY libs/taxonomy libs/taxonomy
COPY data/taxonomy data/taxonomy
RUN pip install --no-deps ./libs/taxonomy

FROM base AS gateway
COPY gateway gateway
RUN pip install --no-deps ./gateway
USER app
EXPOSE 8000
CMD ["uvicorn", "gateway.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-server-header"]

FROM with-taxonomy AS registry
COPY services/registry services/registry
RUN pip install --no-deps ./services/registry
WORKDIR /app/services/registry
USER app
EXPOSE 8000
CMD ["uvicorn", "registry.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-server-header"]

FROM with-taxonomy AS matching
COPY services/matching services/matching
RUN pip install --no-deps ./services/matching
WORKDIR /app/services/matching
USER app
EXPOSE 8000
CMD ["uvicorn", "matching.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-server-header"]

FROM base AS outcomes
COPY services/outcomes services/outcomes
COPY data/rate_cards data/rate_cards
RUN pip install --no-deps ./services/outcomes
WORKDIR /app/services/outcomes
USER app
EXPOSE 8000
CMD ["uvicorn", "outcomes.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-server-header"]

FROM base AS webhooks
COPY services/webhooks services/webhooks
RUN pip install --no-deps ./services/webhooks
WORKDIR /app/services/webhooks
USER app
EXPOSE 8000
CMD ["uvicorn", "webhooks.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-server-header"]

# The migration job: alembic for every service, as the database owner.
FROM with-taxonomy AS migrate
COPY . /app/src
RUN pip install --no-deps /app/src/services/registry /app/src/services/matching /app/src/services/outcomes /app/src/services/webhooks /app/src/gateway /app/src/infra/devstack
WORKDIR /app/src
ENV BROBYGGER_ROOT=/app/src
USER app
CMD ["python", "-m", "devstack.migrate"]
