package io.apimeter.recorder.rest;

import java.math.BigDecimal;
import java.util.List;

/**
 * RFC 4180 text: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break.
 *
 * <p>A text cell that starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return would be
 * read as a formula by a spreadsheet (CSV injection, OWASP): it is written with a leading {@code '}, which
 * spreadsheets show as text. Text is what a client chose or sent (model, operation, API key and customer ids, price
 * ids). Numbers ({@link Number} values: counts, latencies, the cost) are ours and written as they are, so that
 * {@code -1.5} stays a number; a BigDecimal in plain notation.
 */
final class Csv {
    private static final String FORMULA_STARTS = "=+-@\t\r";

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

    static void line(StringBuilder out, Object[] values) {
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
        String text = value instanceof BigDecimal decimal ? decimal.toPlainString() : value.toString();
        if (!(value instanceof Number) && !text.isEmpty() && FORMULA_STARTS.indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0
                || (!text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(text.length() - 1) == ' '))) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
