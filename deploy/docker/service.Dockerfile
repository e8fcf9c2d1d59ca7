# One image per service, from the packaged Quarkus application (fast-jar layout).
# Build the jars first, then the image from the repository root:
#   ./mvnw -B -DskipTests package
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=gateway-service -t apimeter/gateway-service .
FROM eclipse-temurin:17-jre
ARG SERVICE
WORKDIR /deployments
COPY ${SERVICE}/target/quarkus-app/lib/ lib/
COPY ${SERVICE}/target/quarkus-app/*.jar ./
COPY ${SERVICE}/target/quarkus-app/app/ app/
COPY ${SERVICE}/target/quarkus-app/quarkus/ quarkus/
# The gateway keeps usage events it could not hand to Kafka yet in a spool under /var/lib/apimeter: mount a volume there.
RUN mkdir -p /var/lib/apimeter && chown 185 /var/lib/apimeter
USER 185
ENV QUARKUS_HTTP_HOST=0.0.0.0 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar quarkus-run.jar"]
