# One multi-stage build. Every service image is the `service` stage, named by build arguments:
#   docker build --target service --build-arg SERVICE=registry -t brobygger/registry .
#   (the gateway lives outside services/: add --build-arg SERVICE_DIR=gateway)
# and the migration job is the `migrate` target. docker-compose.yml passes the arguments.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY libs libs
# Reference data ships inside the packages that read it (taxonomy's starter vocabulary, outcomes'
# rate cards), so installed code finds it in site-packages. ESCO is never copied: mount it, set ESCO_DIR.
RUN pip install --no-deps ./libs/servicekit ./libs/taxonomy

FROM base AS service
ARG SERVICE
ARG SERVICE_DIR=services/${SERVICE}
RUN test -n "${SERVICE}" || { echo "name the image: --build-arg SERVICE=registry|matching|outcomes|webhooks|gateway" >&2; exit 1; }
COPY ${SERVICE_DIR} ${SERVICE_DIR}
RUN pip install --no-deps ./${SERVICE_DIR}
WORKDIR /app/${SERVICE_DIR}
# uvicorn reads the app to serve from UVICORN_APP.
ENV UVICORN_APP=${SERVICE}.main:create_app
USER app
EXPOSE 8000
CMD ["uvicorn", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--no-server-header"]

# The migration job: alembic for every service, as the database owner.
FROM base AS migrate
COPY . /app/src
RUN pip install --no-deps /app/src/services/registry /app/src/services/matching /app/src/services/outcomes /app/src/services/webhooks /app/src/gateway /app/src/infra/devstack
WORKDIR /app/src
ENV BROBYGGER_ROOT=/app/src
USER app
CMD ["python", "-m", "devstack.migrate"]
