#!/usr/bin/env bash
# Start the machine's PostgreSQL (Debian packages) and create what the warehouse needs on
# it, idempotently: the role dbt builds as (owner of the warehouse database, may create
# test databases), the two reader roles the grants name (dbt vars restricted_reader_role
# and dashboard_reader_role) and the warehouse database. Run as root. Installs PostgreSQL
# with apt-get when it is not there (CI on a fresh machine).
#
#   bash scripts/engines/postgres_setup.sh
#
# Connection settings and passwords come from the environment (defaults are for a local,
# loopback-only cluster; set real secrets anywhere else):
#   DVZ_PG_PORT (5432), DVZ_PG_USER (dvz_builder), DVZ_PG_PASSWORD, DVZ_PG_DATABASE
#   (dvz_warehouse), DVZ_PG_TRANSFER_OFFICER_PASSWORD, DVZ_PG_BI_READER_PASSWORD.
# The reader roles can log in, so that a test (and a person trying it out) can connect
# as them; in production make them NOLOGIN group roles and grant them to people.
set -euo pipefail

port="${DVZ_PG_PORT:-5432}"
builder="${DVZ_PG_USER:-dvz_builder}"
builder_password="${DVZ_PG_PASSWORD:-dvz-local-only}"
database="${DVZ_PG_DATABASE:-dvz_warehouse}"
officer_password="${DVZ_PG_TRANSFER_OFFICER_PASSWORD:-dvz-local-only}"
bi_password="${DVZ_PG_BI_READER_PASSWORD:-dvz-local-only}"

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres_setup: installing PostgreSQL from Debian packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {found = 1} END {exit !found}'; then
    pg_createcluster --port "$port" "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online" {found = 1} END {exit !found}'; then
    pg_ctlcluster "$version" main start
fi
echo "postgres_setup: PostgreSQL $version cluster main online on port $port"

# Role names: the dbt vars' defaults (dbt_project.yml).
runuser -u postgres -- psql --quiet --no-psqlrc --port "$port" -v ON_ERROR_STOP=1 \
    -v builder="$builder" -v builder_password="$builder_password" -v database="$database" \
    -v officer_password="$officer_password" -v bi_password="$bi_password" <<'SQL'
select format('create role %I', :'builder') where not exists (select from pg_roles where rolname = :'builder') \gexec
select format('alter role %I login createdb password %L', :'builder', :'builder_password') \gexec
select 'create role transfer_officer' where not exists (select from pg_roles where rolname = 'transfer_officer') \gexec
select format('alter role transfer_officer login password %L', :'officer_password') \gexec
select 'create role bi_reader' where not exists (select from pg_roles where rolname = 'bi_reader') \gexec
select format('alter role bi_reader login password %L', :'bi_password') \gexec
select format('create database %I owner %I', :'database', :'builder')
    where not exists (select from pg_database where datname = :'database') \gexec
SQL
echo "postgres_setup: roles $builder, transfer_officer, bi_reader and database $database ready"
