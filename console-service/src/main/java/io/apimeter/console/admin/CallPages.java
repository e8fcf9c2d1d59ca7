package io.apimeter.console.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.console.client.RecorderClient;
import io.apimeter.console.web.Api;
import io.apimeter.console.web.ApiException;
import io.apimeter.console.web.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Pages of calls from the recorder, newest first. A plain filter pages with the recorder's own cursor. "Errors
 * only" asks the recorder once per non-successful outcome (its {@code outcome} takes one value) and merges the
 * answers; its cursor is the console's own, the last call shown ({@code occurredAt|eventId}), from which each
 * outcome's list is read again.
 */
@ApplicationScoped
public class CallPages {

    public static final int PAGE_SIZE = 50;

    private static final Comparator<Map<String, Object>> NEWEST_FIRST = Comparator
            .comparing((Map<String, Object> c) -> Instant.parse(c.get("occurredAt").toString()))
            .thenComparing(c -> c.get("eventId").toString())
            .reversed();

    private final RecorderClient recorder;
    private final Api api;

    public CallPages(@RestClient RecorderClient recorder, Api api) {
        this.recorder = recorder;
        this.api = api;
    }

    public record CallPage(List<Map<String, Object>> calls, String nextCursor) {
    }

    public CallPage page(CallQuery q, String cursor, int limit) {
        if (!q.errorsOnly()) {
            JsonNode page = api.call("usage-recorder", () -> recorder.calls(q.customerId(), q.provider(), q.model(),
                    q.recorderOutcome(), q.fromInstant(), q.toInstant(), limit, cursor));
            return new CallPage(Json.list(page.get("items")), Json.text(page, "nextCursor"));
        }
        Position after = Position.decode(cursor);
        List<Map<String, Object>> merged = new ArrayList<>();
        boolean more = false;
        for (String outcome : CallQuery.ERROR_OUTCOMES) {
            List<Map<String, Object>> taken = new ArrayList<>();
            String to = after == null ? q.toInstant() : earlier(q.toInstant(), after.occurredAt().plusMillis(1));
            String recorderCursor = null;
            do {
                String pageCursor = recorderCursor;
                JsonNode page = api.call("usage-recorder", () -> recorder.calls(q.customerId(), q.provider(),
                        q.model(), outcome, q.fromInstant(), to, limit + 1, pageCursor));
                for (Map<String, Object> call : Json.list(page.get("items"))) {
                    if (after == null || after.isAfter(call)) {
                        taken.add(call);
                    }
                }
                recorderCursor = Json.text(page, "nextCursor");
            } while (recorderCursor != null && taken.size() <= limit);
            merged.addAll(taken);
        }
        merged.sort(NEWEST_FIRST);
        if (merged.size() > limit) {
            more = true;
            merged = new ArrayList<>(merged.subList(0, limit));
        }
        String next = more ? Position.of(merged.get(merged.size() - 1)).encode() : null;
        return new CallPage(merged, next);
    }

    private static String earlier(String to, Instant bound) {
        if (to == null) {
            return bound.toString();
        }
        Instant t = Instant.parse(to);
        return (t.isBefore(bound) ? t : bound).toString();
    }

    /** The last call of a page of errors: the next page holds the calls after it, newest first. */
    record Position(Instant occurredAt, String eventId) {

        static Position of(Map<String, Object> call) {
            return new Position(Instant.parse(call.get("occurredAt").toString()), call.get("eventId").toString());
        }

        static Position decode(String cursor) {
            if (cursor == null || cursor.isBlank()) {
                return null;
            }
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Position(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
            } catch (RuntimeException e) {
                throw new ApiException(400, "invalid_cursor", "This page link is not valid any more; start again.");
            }
        }

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((occurredAt + "|" + eventId).getBytes(StandardCharsets.UTF_8));
        }

        /** Whether the call comes after this position in newest-first order. */
        boolean isAfter(Map<String, Object> call) {
            Instant at = Instant.parse(call.get("occurredAt").toString());
            int byTime = at.compareTo(occurredAt);
            return byTime < 0 || (byTime == 0 && call.get("eventId").toString().compareTo(eventId) < 0);
        }
    }
}
