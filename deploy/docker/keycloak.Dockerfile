# Keycloak 26.5.6 from Maven Central (the same distribution ./apimeter up and the end-to-end tests run), with the
# realm apimeter imported at start. Development mode (start-dev: its own H2 database, plain HTTP): for production,
# run Keycloak as its own documentation says, with the realm file of deploy/keycloak.
#   docker build -f deploy/docker/keycloak.Dockerfile -t apimeter/keycloak:26.5.6 .
# JRE_IMAGE: Java 21 or newer, with bash and tar.
ARG JRE_IMAGE=eclipse-temurin:21-jre
FROM ${JRE_IMAGE}
ARG KEYCLOAK_VERSION=26.5.6
ARG KEYCLOAK_SHA1=d899ed0a9e2da32a15924f87121f9e93cef6d981
ADD https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/${KEYCLOAK_VERSION}/keycloak-quarkus-dist-${KEYCLOAK_VERSION}.tar.gz /tmp/keycloak.tar.gz
RUN echo "${KEYCLOAK_SHA1}  /tmp/keycloak.tar.gz" | sha1sum -c - \
 && mkdir -p /opt/keycloak && tar -xzf /tmp/keycloak.tar.gz -C /opt/keycloak --strip-components=1 \
 && rm /tmp/keycloak.tar.gz && chown -R 185 /opt/keycloak
COPY --chown=185 deploy/keycloak/apimeter-realm.json /opt/keycloak/data/import/apimeter-realm.json
COPY deploy/docker/healthcheck.sh /usr/local/bin/healthcheck
COPY deploy/docker/Healthcheck.java /usr/local/bin/Healthcheck.java
USER 185
EXPOSE 8080 9000
HEALTHCHECK --interval=5s --timeout=3s --start-period=180s --retries=3 CMD ["healthcheck", "http://127.0.0.1:9000/health/ready"]
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start-dev", "--import-realm", "--http-port=8080", "--health-enabled=true"]
