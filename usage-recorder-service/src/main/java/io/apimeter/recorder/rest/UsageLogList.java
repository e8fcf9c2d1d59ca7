package io.apimeter.recorder.rest;

import java.util.List;

/** One page of calls, newest first; {@code nextCursor} fetches the next page and is null on the last one. */
public record UsageLogList(List<UsageLogItem> items, String nextCursor) {
}
