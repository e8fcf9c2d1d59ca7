# The provider simulator (OpenAI, ElevenLabs and Smartflo HTTP APIs), for demos and load tests without internet.
#   ./mvnw -B -DskipTests package
#   docker build -f deploy/docker/simulator.Dockerfile -t apimeter/provider-simulator .
ARG JRE_IMAGE=eclipse-temurin:21-jre
FROM ${JRE_IMAGE}
WORKDIR /deployments
COPY tools/provider-simulator/target/provider-simulator.jar ./
COPY tools/provider-simulator/target/lib/ lib/
COPY deploy/docker/healthcheck.sh /usr/local/bin/healthcheck
COPY deploy/docker/Healthcheck.java /usr/local/bin/Healthcheck.java
USER 185
EXPOSE 8090
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-jar", "provider-simulator.jar", "--host", "0.0.0.0", "--port", "8090"]
