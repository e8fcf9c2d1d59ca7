# The provider simulator (OpenAI, ElevenLabs and Smartflo HTTP APIs), for demos and load tests without internet.
#   ./mvnw -B -DskipTests package
#   docker build -f deploy/docker/simulator.Dockerfile -t apimeter/provider-simulator .
FROM eclipse-temurin:17-jre
WORKDIR /deployments
COPY tools/provider-simulator/target/provider-simulator.jar ./
USER 185
EXPOSE 8090
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-jar", "provider-simulator.jar", "--host", "0.0.0.0", "--port", "8090"]
