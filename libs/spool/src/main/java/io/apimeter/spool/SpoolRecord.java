package io.apimeter.spool;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One record of the spool, as it will go to the broker: a key (null: none), headers in their order, and the value.
 * The spool keeps the arrays it is handed; the caller must not change them afterwards.
 *
 * @param key     the record key, null for none
 * @param headers header names and values, in order (a value may be null); never null
 * @param value   the record value; never null
 */
public record SpoolRecord(String key, Map<String, byte[]> headers, byte[] value) {

    public SpoolRecord {
        Objects.requireNonNull(value, "value");
        headers = headers == null || headers.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** A record of a value alone: no key, no headers. */
    public static SpoolRecord of(byte[] value) {
        return new SpoolRecord(null, Map.of(), value);
    }

    /** The value of a header as text (UTF-8), or null when the record has no such header. */
    public String header(String name) {
        byte[] value = headers.get(name);
        return value == null ? null : new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof SpoolRecord that) || !Objects.equals(key, that.key)
                || !Arrays.equals(value, that.value) || headers.size() != that.headers.size()) {
            return false;
        }
        var mine = headers.entrySet().iterator();
        var theirs = that.headers.entrySet().iterator();
        while (mine.hasNext()) {
            var a = mine.next();
            var b = theirs.next();
            if (!a.getKey().equals(b.getKey()) || !Arrays.equals(a.getValue(), b.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = Objects.hashCode(key) * 31 + Arrays.hashCode(value);
        for (Map.Entry<String, byte[]> header : headers.entrySet()) {
            hash = hash * 31 + header.getKey().hashCode() * 17 + Arrays.hashCode(header.getValue());
        }
        return hash;
    }

    /** Names the key, the header names and the value's size, never the value itself (logs stay small). */
    @Override
    public String toString() {
        return "SpoolRecord[key=" + key + ", headers=" + headers.keySet() + ", value=" + value.length + " bytes]";
    }
}
