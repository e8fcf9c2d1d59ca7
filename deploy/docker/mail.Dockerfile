# A mail catcher: GreenMail standalone from Maven Central. SMTP on 3025 (no authentication), its REST API on 8080
# (GET /api/user/{address}/messages lists the mails of an address; GET /api/service/readiness).
#   ./mvnw -B -DskipTests package
#   docker build -f deploy/docker/mail.Dockerfile -t apimeter/mail .
ARG JRE_IMAGE=eclipse-temurin:21-jre
FROM ${JRE_IMAGE}
WORKDIR /opt/greenmail
COPY tools/local-platform/target/lib/greenmail-standalone-*.jar greenmail.jar
COPY deploy/docker/healthcheck.sh /usr/local/bin/healthcheck
COPY deploy/docker/Healthcheck.java /usr/local/bin/Healthcheck.java
USER 185
EXPOSE 3025 8080
ENTRYPOINT ["java", "-Xmx256m", "-XX:+UseSerialGC", "-Dgreenmail.hostname=0.0.0.0", "-Dgreenmail.auth.disabled", "-Dgreenmail.smtp.port=3025", "-Dgreenmail.api.hostname=0.0.0.0", "-Dgreenmail.api.port=8080", "-jar", "greenmail.jar"]
