# Apache Kafka 4.1.2 (KRaft, one node) from the Maven Central jars the local platform uses, with the platform's
# topics created at start (usage-events 12 partitions, the others 3, the state topics compacted).
#   ./mvnw -B -DskipTests package
#   docker build -f deploy/docker/kafka.Dockerfile -t apimeter/kafka:4.1.2 .
# Listeners: kafka:9092 for the compose network, 29092 for the host (published as 127.0.0.1:9092, advertised as
# localhost:9092).
ARG JRE_IMAGE=eclipse-temurin:21-jre
FROM ${JRE_IMAGE}
WORKDIR /opt/apimeter
COPY tools/local-platform/target/lib/ lib/
COPY tools/local-platform/target/local-platform.jar lib/
COPY deploy/docker/healthcheck.sh /usr/local/bin/healthcheck
RUN mkdir -p /var/lib/kafka && chown 185 /var/lib/kafka
USER 185
ENV KAFKA_INTERNAL=kafka:9092 KAFKA_EXTERNAL=localhost:9092 \
    JAVA_OPTS="-Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
EXPOSE 9092 29092
HEALTHCHECK --interval=3s --timeout=3s --start-period=120s --retries=3 CMD ["test", "-f", "/tmp/kafka-ready"]
VOLUME /var/lib/kafka
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/opt/apimeter/lib/*' io.apimeter.local.LocalKafka --data /var/lib/kafka --port 19092 --internal \"$KAFKA_INTERNAL\" --external \"$KAFKA_EXTERNAL\" --external-port 29092 --ready-file /tmp/kafka-ready"]
