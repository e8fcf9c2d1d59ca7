# One image per service (the five and the console), from the packaged Quarkus application (fast-jar layout).
# Build the jars first, then the image from the repository root:
#   ./mvnw -B -DskipTests package
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=gateway-service -t apimeter/gateway-service .
# JRE_IMAGE: any image with Java 17 or newer as `java` on the PATH (default: the public Temurin 21 JRE; without a
# registry, apimeter/jre:21 from jre.Dockerfile).
ARG JRE_IMAGE=eclipse-temurin:21-jre
FROM ${JRE_IMAGE}
ARG SERVICE
WORKDIR /deployments
COPY ${SERVICE}/target/quarkus-app/lib/ lib/
COPY ${SERVICE}/target/quarkus-app/*.jar ./
COPY ${SERVICE}/target/quarkus-app/app/ app/
COPY ${SERVICE}/target/quarkus-app/quarkus/ quarkus/
COPY deploy/docker/healthcheck.sh /usr/local/bin/healthcheck
COPY deploy/docker/Healthcheck.java /usr/local/bin/Healthcheck.java
# The gateway keeps usage events it could not hand to Kafka yet in a spool under /var/lib/apimeter: mount a volume there.
RUN mkdir -p /var/lib/apimeter && chown 185 /var/lib/apimeter
USER 185
ENV QUARKUS_HTTP_HOST=0.0.0.0 \
    QUARKUS_HTTP_PORT=8080 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 CMD ["healthcheck", "http://127.0.0.1:8080/q/health/ready"]
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar quarkus-run.jar"]
