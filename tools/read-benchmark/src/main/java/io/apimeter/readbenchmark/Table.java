package io.apimeter.readbenchmark;

import java.io.PrintStream;

/**
 * A Markdown table with padded columns: as readable in a terminal as pasted into docs/benchmarks.md. Rows are
 * printed as they come (a shape's row when the shape is done), so the widths are given up front; a longer cell
 * only pushes its row's pipes out.
 */
final class Table {
    private final PrintStream out;
    private final String[] headers;
    private final int[] widths;
    private final boolean[] right;

    /** @param right per column, whether it is a number (right-aligned) */
    Table(PrintStream out, String[] headers, int[] widths, boolean[] right) {
        if (headers.length != widths.length || headers.length != right.length) {
            throw new IllegalArgumentException("one width and alignment per column");
        }
        this.out = out;
        this.headers = headers.clone();
        this.widths = widths.clone();
        this.right = right.clone();
        for (int i = 0; i < headers.length; i++) {
            this.widths[i] = Math.max(Math.max(widths[i], headers[i].length()), 3);
        }
    }

    void header() {
        line(headers);
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            rule.append(right[i] ? " " + "-".repeat(widths[i] - 1) + ": |" : " " + "-".repeat(widths[i]) + " |");
        }
        out.println(rule);
    }

    void row(String... cells) {
        if (cells.length != widths.length) {
            throw new IllegalArgumentException("expected " + widths.length + " cells, got " + cells.length);
        }
        line(cells);
    }

    private void line(String[] cells) {
        StringBuilder line = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            String padding = " ".repeat(Math.max(0, widths[i] - cell.length()));
            line.append(' ').append(right[i] ? padding + cell : cell + padding).append(" |");
        }
        out.println(line);
        out.flush();
    }
}
