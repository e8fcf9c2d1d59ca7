package io.apimeter.console.admin;

import io.apimeter.console.client.AccessTokenPropagation;
import io.apimeter.console.client.RecorderClient;
import io.apimeter.console.web.Api;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * A CSV download of a calls filter: the recorder's CSV pages (500 calls each) streamed one after the other,
 * following {@code X-Next-Cursor} to the end, with the header row once. "Errors only" streams each
 * non-successful outcome in turn (so the rows are grouped by outcome, each group newest first).
 *
 * <p>The first page is asked for before the answer starts, so a refusal or a service that is down is an error
 * page; a failure after the first page ends the file early (logged), as the status line is already sent.
 */
@ApplicationScoped
public class CsvExport {

    private static final Logger LOG = Logger.getLogger(CsvExport.class);
    static final int CSV_PAGE = 500;

    private final RecorderClient recorder;
    private final Api api;

    public CsvExport(@RestClient RecorderClient recorder, Api api) {
        this.recorder = recorder;
        this.api = api;
    }

    public Response download(CallQuery q, String fileName) {
        // the stream runs after this request's context has ended: the token is taken now and given explicitly
        String token = AccessTokenPropagation.currentAccessToken();
        String authorization = token == null ? null : "Bearer " + token;
        List<String> outcomes = q.errorsOnly() ? CallQuery.ERROR_OUTCOMES : java.util.Collections.singletonList(
                q.recorderOutcome());
        Page first = fetch(authorization, q, outcomes.get(0), null);
        StreamingOutput body = out -> {
            boolean header = true;
            Page page = first;
            for (int i = 0; i < outcomes.size(); i++) {
                if (i > 0) {
                    page = fetchQuietly(authorization, q, outcomes.get(i), null);
                }
                while (page != null) {
                    write(out, page.csv(), header);
                    header = false;
                    page = page.next() == null ? null : fetchQuietly(authorization, q, outcomes.get(i), page.next());
                }
            }
        };
        return Response.ok(body, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .build();
    }

    private record Page(String csv, String next) {
    }

    private Page fetch(String authorization, CallQuery q, String outcome, String cursor) {
        return api.call("usage-recorder", () -> {
            try (Response r = recorder.csvPage(authorization, q.customerId(), q.provider(), q.model(), outcome,
                    q.fromInstant(), q.toInstant(), CSV_PAGE, cursor, "csv")) {
                return new Page(r.readEntity(String.class), r.getHeaderString("X-Next-Cursor"));
            }
        });
    }

    private Page fetchQuietly(String authorization, CallQuery q, String outcome, String cursor) {
        try {
            return fetch(authorization, q, outcome, cursor);
        } catch (RuntimeException e) {
            LOG.warnf("CSV download ended early: %s", e.getMessage());
            throw new IllegalStateException("CSV download ended early", e);
        }
    }

    private static void write(OutputStream out, String csv, boolean withHeader) throws IOException {
        String text = csv;
        if (!withHeader) {
            int end = text.indexOf('\n');
            text = end < 0 ? "" : text.substring(end + 1);
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
