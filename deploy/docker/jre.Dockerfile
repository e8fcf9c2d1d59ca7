# A Java 21 runtime on a Debian base, for machines that reach a Debian mirror but no image registry.
# Where a registry is reachable, the other images use eclipse-temurin:21-jre directly and this one is not needed.
#   docker build -f deploy/docker/jre.Dockerfile --build-arg DEBIAN_IMAGE=localhost/debian:trixie -t apimeter/jre:21 deploy/docker
ARG DEBIAN_IMAGE=debian:trixie-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-21-jre-headless ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
