# PostgreSQL from Debian's packages, one database per service created on the first start.
#   docker build -f deploy/docker/postgres.Dockerfile -t apimeter/postgres .
# DEBIAN_IMAGE: a Debian image (default the public slim one; without a registry, one made with debootstrap).
ARG DEBIAN_IMAGE=debian:trixie-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /docker-entrypoint-initdb.d /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
 && ln -s "$(ls -d /usr/lib/postgresql/*/bin | tail -1)" /usr/lib/postgresql/bin
COPY deploy/docker/create-databases.sql /docker-entrypoint-initdb.d/
COPY deploy/docker/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
USER postgres
ENV PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
EXPOSE 5432
HEALTHCHECK --interval=3s --timeout=3s --start-period=60s --retries=5 CMD ["/usr/lib/postgresql/bin/pg_isready", "-h", "127.0.0.1", "-U", "postgres"]
ENTRYPOINT ["postgres-entrypoint"]
