package io.apimeter.readbenchmark;

import java.net.URI;
import java.time.Instant;
import java.time.YearMonth;

/**
 * What one run does.
 *
 * @param recorderUrl     usage-recorder-service, no trailing slash (the call log and its export)
 * @param aggregationUrl  aggregation-service, no trailing slash (the monthly summaries)
 * @param tokenUrl        the OpenID Connect token endpoint the client credentials are sent to
 * @param clientId        the client of the client-credentials grant (its service account has role admin)
 * @param clientSecret    its secret; never printed
 * @param secretSource    where the secret came from, for the header: a flag, the environment or the local default
 * @param month           the month of the summaries (discovery uses it and the month before)
 * @param windowFrom      start of the time window the ranges, deep cursors and export month are picked in
 * @param windowTo        its end, exclusive
 * @param requests        measured requests per call-log shape and per summary request kind
 * @param warmup          requests before them, not counted
 * @param seed            seed of every random draw: the same options and data give the same requests
 * @param limit           page size of the call log
 * @param concurrency     requests at once (1: one after the other)
 * @param exportRuns      exports of the whole month
 * @param summaryRequests measured requests of each summary kind
 * @param recorderPid     the recorder's process, whose memory is sampled during the exports; 0 for none
 * @param skipLogs        leave out the call log pages
 * @param skipExport      leave out the export
 * @param skipSummaries   leave out the summaries
 */
record Options(URI recorderUrl, URI aggregationUrl, URI tokenUrl, String clientId, String clientSecret,
               String secretSource, YearMonth month, Instant windowFrom, Instant windowTo, int requests, int warmup,
               long seed, int limit, int concurrency, int exportRuns, int summaryRequests, long recorderPid,
               boolean skipLogs, boolean skipExport, boolean skipSummaries) {

    /** Everything but the secret, so that the options can be printed and logged. */
    @Override
    public String toString() {
        return "recorder " + recorderUrl + ", aggregation " + aggregationUrl + ", token " + tokenUrl + " (client "
                + clientId + ", secret from " + secretSource + "), month " + month + ", window " + windowFrom + " to "
                + windowTo + ", requests " + requests + ", warmup " + warmup + ", seed " + seed + ", limit " + limit
                + ", concurrency " + concurrency + ", export runs " + exportRuns + ", summary requests "
                + summaryRequests + ", recorder pid " + (recorderPid == 0 ? "-" : Long.toString(recorderPid))
                + ", skip " + skipped();
    }

    private String skipped() {
        StringBuilder parts = new StringBuilder();
        if (skipLogs) {
            parts.append("logs ");
        }
        if (skipExport) {
            parts.append("export ");
        }
        if (skipSummaries) {
            parts.append("summaries ");
        }
        return parts.length() == 0 ? "nothing" : parts.toString().trim().replace(' ', ',');
    }
}
