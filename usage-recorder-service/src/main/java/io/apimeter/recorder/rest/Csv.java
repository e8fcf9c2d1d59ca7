package io.apimeter.recorder.rest;

import java.util.List;

/** RFC 4180 text: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break. */
final class Csv {
    private Csv() {
    }

    static String write(String[] header, List<Object[]> rows) {
        StringBuilder out = new StringBuilder();
        line(out, header);
        for (Object[] row : rows) {
            line(out, row);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(values[i]));
        }
        out.append("\r\n");
    }

    static String field(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0
                || (!text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(text.length() - 1) == ' '))) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
