package io.apimeter.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How Smartflo calls are billed: the call record webhook, reconciliation with Smartflo's records, the journal. */
@ConfigMapping(prefix = "apimeter.gateway.smartflo")
public interface SmartfloConfig {

    /**
     * The gateway's address as Smartflo reaches it, e.g. {@code https://meter.example.com}, for the webhook URL shown
     * when a webhook secret is issued (env APIMETER_GATEWAY_SMARTFLO_PUBLIC_URL). Without it, the address the admin
     * request came to.
     */
    Optional<String> publicUrl();

    /** How long the previous webhook secret is still accepted after a new one was issued (time to reconfigure). */
    @WithDefault("1h")
    Duration previousSecretGrace();

    /** Looking up calls that stay unbilled in Smartflo's call records API. */
    Reconciliation reconciliation();

    /** The local journal of calls placed while the database was away. */
    Journal journal();

    interface Reconciliation {
        /** Whether the reconciliation job runs on this replica. */
        @WithDefault("true")
        boolean enabled();

        /** A placed call with no record this long after it was placed is looked up in Smartflo's call records. */
        @WithDefault("10m")
        Duration after();

        /** How often the job runs, and how often a call still unbilled is looked up again. */
        @WithDefault("1m")
        Duration interval();

        /**
         * A call still unbilled this long after it was placed raises an UNBILLED_CALL alert, once; from then on it is
         * looked up once per this period.
         */
        @WithDefault("24h")
        Duration alertAfter();

        /** Calls placed longer ago than this are no longer looked up. */
        @WithDefault("30d")
        Duration giveUpAfter();

        /** Most calls one run looks up. */
        @WithDefault("200")
        int batchSize();
    }

    interface Journal {
        /**
         * Directory of the journal of calls placed while the database could not be written: one per replica, on a
         * disk that outlives the process, like the spool (env APIMETER_GATEWAY_SMARTFLO_JOURNAL_DIR).
         */
        @WithDefault("${apimeter.gateway.spool.dir}-smartflo-calls")
        String dir();

        /** How often the journal is written into the database while it holds calls. */
        @WithDefault("5s")
        Duration replayInterval();
    }
}
