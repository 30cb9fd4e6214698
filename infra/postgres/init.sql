-- Databases and application roles for docker-compose (Kubernetes uses the same script).
-- Migrations run as the owner (postgres); each service connects as its own non-owner role,
-- so PostgreSQL row-level security applies to it.
CREATE DATABASE brobygger_gateway;
CREATE DATABASE brobygger_registry;
CREATE DATABASE brobygger_matching;
CREATE DATABASE brobygger_outcomes;
CREATE DATABASE brobygger_webhooks;
CREATE ROLE gateway_app LOGIN PASSWORD 'gateway-app-change-me' NOSUPERUSER NOBYPASSRLS;
CREATE ROLE registry_app LOGIN PASSWORD 'registry-app-change-me' NOSUPERUSER NOBYPASSRLS;
CREATE ROLE matching_app LOGIN PASSWORD 'matching-app-change-me' NOSUPERUSER NOBYPASSRLS;
CREATE ROLE outcomes_app LOGIN PASSWORD 'outcomes-app-change-me' NOSUPERUSER NOBYPASSRLS;
CREATE ROLE webhooks_app LOGIN PASSWORD 'webhooks-app-change-me' NOSUPERUSER NOBYPASSRLS;
