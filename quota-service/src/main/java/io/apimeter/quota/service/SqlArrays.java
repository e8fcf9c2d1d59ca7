package io.apimeter.quota.service;

/** Array parameters of the batch statements, bound as text and cast in SQL ({@code cast(:ids as text[])}). */
final class SqlArrays {
    private SqlArrays() {
    }

    /** A PostgreSQL array literal ({@code {"a","b"}}), each element quoted. */
    static String literal(java.util.Collection<?> values) {
        StringBuilder literal = new StringBuilder("{");
        for (Object value : values) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            literal.append('"').append(value.toString().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return literal.append('}').toString();
    }
}
