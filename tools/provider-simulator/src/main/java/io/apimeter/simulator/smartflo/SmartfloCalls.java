package io.apimeter.simulator.smartflo;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls placed on the simulator, the call-ended records it builds for them, and the record Smartflo keeps of
 * each ended call (what its call records API answers). Thread-safe.
 */
public final class SmartfloCalls {

    /** How many placed calls are remembered; the oldest are forgotten first. */
    public static final int CAPACITY = 10_000;
    /** Seconds a call rings before it is answered: {@code duration} = {@code billsec} + this. */
    public static final long RING_SECONDS = 5;

    private static final ZoneId INDIA = ZoneId.of("Asia/Kolkata");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(INDIA);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(INDIA);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(INDIA);

    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, PlacedCall> calls = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PlacedCall> eldest) {
            return size() > CAPACITY;
        }
    };
    /** The record kept of each ended call, by call id, in the order the calls ended (guarded by {@code calls}). */
    private final Map<String, CallRecord> records = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CallRecord> eldest) {
            return size() > CAPACITY;
        }
    };

    public SmartfloCalls() {
        this(Clock.systemUTC());
    }

    SmartfloCalls(Clock clock) {
        this.clock = clock;
    }

    /** Remembers a new call and returns it with its id {@code sim-call-<n>}. */
    public PlacedCall place(String agentNumber, String destinationNumber, String callerId) {
        PlacedCall call = new PlacedCall("sim-call-" + sequence.incrementAndGet(), agentNumber, destinationNumber,
                callerId, clock.instant());
        synchronized (calls) {
            calls.put(call.callId(), call);
        }
        return call;
    }

    public Optional<PlacedCall> find(String callId) {
        synchronized (calls) {
            return Optional.ofNullable(calls.get(callId));
        }
    }

    /**
     * The record Smartflo sends when the call ends now, after ringing {@value #RING_SECONDS} s and
     * {@code billedSeconds} of talk. The call stays known, so the same call can be completed again (a resent record,
     * or a corrected one). Smartflo keeps the call's record from then on: its call records API answers it, with
     * these billed seconds (the last completion's), whether the record was posted to a webhook or not.
     *
     * @throws IllegalArgumentException when no such call was placed or billedSeconds is negative
     */
    public CallDetailRecord complete(String callId, long billedSeconds) {
        if (billedSeconds < 0) {
            throw new IllegalArgumentException("billed seconds must not be negative, got " + billedSeconds);
        }
        PlacedCall call = find(callId).orElseThrow(() ->
                new IllegalArgumentException("No call " + callId + " was placed on this simulator."));
        Instant end = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant answer = end.minusSeconds(billedSeconds);
        Instant start = answer.minusSeconds(RING_SECONDS);
        boolean answered = billedSeconds > 0;
        String uuid = UUID.nameUUIDFromBytes(call.callId().getBytes(StandardCharsets.UTF_8)).toString();
        CallRecord kept = new CallRecord(uuid.replace("-", "").substring(0, 24), call.callId(), uuid, "clicktocall",
                answered ? "Call answered" : "Call missed", answered ? "answered" : "missed", "Click to Call",
                DATE.format(start), TIME.format(start), STAMP.format(end), billedSeconds, billedSeconds + RING_SECONDS,
                call.agentNumber(), call.destinationNumber(), call.callerId(),
                answered ? "NORMAL_CLEARING" : "NO_ANSWER", null);
        synchronized (calls) {
            records.remove(call.callId());
            records.put(call.callId(), kept);
        }
        return new CallDetailRecord(call.callId(), uuid,
                "clicktocall",
                answered ? "answered" : "missed",
                call.agentNumber(),
                call.destinationNumber(),
                call.callerId(),
                STAMP.format(start),
                answered ? STAMP.format(answer) : null,
                STAMP.format(end),
                billedSeconds,
                billedSeconds + RING_SECONDS,
                answered ? "NORMAL_CLEARING" : "NO_ANSWER");
    }

    /** The record Smartflo keeps of a call, once it ended; empty for a call still going on (or never placed). */
    public Optional<CallRecord> record(String callId) {
        synchronized (calls) {
            return Optional.ofNullable(records.get(callId));
        }
    }

    /** The records of the ended calls, the last ended first. */
    public List<CallRecord> records() {
        synchronized (calls) {
            List<CallRecord> all = new ArrayList<>(records.values());
            Collections.reverse(all);
            return all;
        }
    }
}
