package io.apimeter.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of gateway-service. */
@ConfigMapping(prefix = "apimeter.gateway")
public interface GatewayConfig {

    /** Where the gateway forwards calls; base URLs come only from here, never from a request. */
    Providers providers();

    /** Encryption of the customers' provider credentials. */
    Credentials credentials();

    /** Platform API keys. */
    ApiKeys apiKeys();

    /** The in-memory price book. */
    Prices prices();

    /** The local spool that holds usage events until the broker has taken them. */
    Spool spool();

    /**
     * How many gateway replicas share the client traffic behind a load balancer (env GATEWAY_REPLICAS). Each
     * replica admits {@code ceil(limit / replicas)} of a customer's requests per minute; at least 1.
     */
    @WithDefault("1")
    int replicas();

    /** The customers' quota standing, read from the compacted {@code quota-status} topic into memory. */
    QuotaStatusTopic quotaStatus();

    /** The outbox that carries every change of a customer to the compacted {@code customers} topic. */
    Outbox customerOutbox();

    interface Providers {
        Upstream openai();

        Upstream elevenlabs();

        Upstream smartflo();

        /**
         * Most keep-alive connections the gateway keeps open to each provider host; calls beyond wait for a free
         * one (env GATEWAY_PROVIDER_MAX_CONNECTIONS).
         */
        @WithDefault("512")
        int maxConnections();
    }

    interface Upstream {
        /** Base URL of the provider's API, e.g. https://api.openai.com/v1. */
        String baseUrl();

        /**
         * How long the provider may stay silent: waiting for its answer to start, or between two parts of it
         * (a stream that stalls this long is broken off).
         */
        @WithDefault("120s")
        Duration timeout();

        /** How long to wait for a connection to the provider. */
        @WithDefault("10s")
        Duration connectTimeout();
    }

    interface Credentials {
        /** Base64 of the 32-byte AES-256 master key that encrypts new credentials. Required. */
        String masterKey();

        /** Name of that master key, stored with each credential so keys can be rotated. */
        @WithDefault("k1")
        String masterKeyId();

        /**
         * Earlier master keys still able to decrypt stored credentials, as a comma-separated list of
         * {@code id:base64} pairs.
         */
        Optional<String> previousMasterKeys();
    }

    /** How BLOCK limits hold between quota statuses (see UsageLedger). */
    QuotaHold quota();

    interface QuotaHold {
        /**
         * The output tokens an OpenAI call is taken to use at most when it names no {@code max_tokens},
         * {@code max_completion_tokens} or {@code max_output_tokens}: part of the worst case a call reserves
         * against a BLOCK token or cost limit.
         */
        @WithDefault("4096")
        long defaultMaxOutputTokens();

        /**
         * How long at most this replica counts a metered call itself while no quota status names it as counted
         * (quota-service far behind or away); after that it relies on the statuses alone.
         */
        @WithDefault("10m")
        Duration unconfirmedFor();
    }

    interface ApiKeys {
        /** Secret for the keyed hash (HMAC-SHA256) under which platform API keys are stored. Required. */
        String pepper();

        /** How long a looked-up key stays cached; a revoked key stops working within this time. */
        @WithDefault("1s")
        Duration cacheTtl();

        /** Most keys (and, separately, provider credentials) held in memory; the least used go first. */
        @WithDefault("100000")
        long cacheMaxSize();

        /** Most unknown or revoked keys remembered as such (for the cache time), apart from the known ones. */
        @WithDefault("10000")
        long unknownCacheMaxSize();

        /**
         * How long a key or credential last read is still used while the database cannot be read: the gateway
         * serves through a database outage up to this long.
         */
        @WithDefault("24h")
        Duration staleFor();

        /** How often at most a key's last-used time is written. */
        @WithDefault("60s")
        Duration lastUsedResolution();
    }

    interface Prices {
        /**
         * How often every replica reloads the price book from the database, so that a price added through
         * another replica is charged here too within this time. The replica that took the change reloads at once.
         */
        @WithDefault("30s")
        Duration refreshInterval();
    }

    interface Spool {
        /**
         * Directory of the spool's segment files and read position; one directory per replica, on a disk that
         * outlives the process (env GATEWAY_SPOOL_DIR).
         */
        @WithDefault("${java.io.tmpdir}/apimeter-gateway-spool")
        String dir();

        /** Most bytes the spool may hold on disk; an event that does not fit is counted as failed and dropped. */
        @WithDefault("256M")
        MemorySize maxBytes();

        /** Size at which the spool starts a new segment file; a segment is deleted once fully sent. */
        @WithDefault("16M")
        MemorySize segmentBytes();

        /**
         * Whether each append waits until the disk has the event (fsync). Off: an event survives a crash of the
         * process but the last moments may be lost if the machine itself goes down; on: nothing acknowledged is
         * lost, at the price of one disk sync per call.
         */
        @WithDefault("false")
        boolean fsync();

        /**
         * How long the sender holds back a batch that is not full, so that more events join it: fewer wake-ups of
         * the sender, the producer and the broker per event under load, at the price of events reaching the broker
         * this much later (env GATEWAY_SPOOL_SEND_LINGER). Zero sends each batch at once.
         */
        @WithDefault("20ms")
        Duration sendLinger();

        /**
         * How often at most the sender's place in the spool is written to disk (always before it leaves a segment,
         * when it has nothing to send and on shutdown). After a crash the events sent in this last interval are
         * sent again; consumers are idempotent on the event id (env GATEWAY_SPOOL_POSITION_INTERVAL).
         */
        @WithDefault("1s")
        Duration positionInterval();
    }

    interface QuotaStatusTopic {
        /**
         * How long readiness waits at most, after start, for the quota-status topic to be read up to the end it
         * had at start. After that the gateway reports ready anyway (and logs a warning), so that a broker that
         * is away at start does not keep the gateway out of service; calls are then decided on what was read.
         */
        @WithDefault("60s")
        Duration readyMaxWait();
    }

    interface Outbox {
        /** How often the relay looks for customer records still to send; it also runs right after every change. */
        @WithDefault("1s")
        Duration interval();

        /** Most records the relay sends in one batch before waiting for the broker's acknowledgements. */
        @WithDefault("100")
        int batchSize();

        /**
         * How long the relay waits for the broker to acknowledge a batch; records not acknowledged by then stay in
         * the outbox and are sent again. Longer than the producer's own delivery timeout of the channel.
         */
        @WithDefault("45s")
        Duration sendTimeout();
    }
}
