package io.apimeter.recorder.service;

import io.apimeter.recorder.entity.UsageLog;
import java.util.List;

/** One page of the call log, newest first, and where the next page starts (null on the last page). */
public record UsageLogPage(List<UsageLog> items, Cursor next) {
}
