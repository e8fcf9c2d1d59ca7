package io.apimeter.readbenchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CsvRecordsTest {

    @Test
    void shouldCountRecordsNotLineBreaksInsideQuotes() {
        String csv = "eventId,model\r\n1,gpt-4o\r\n2,\"two\r\nlines, and \"\"quotes\"\"\"\r\n3,x\r\n";
        CsvRecords records = new CsvRecords();
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        // In pieces of 5 bytes, as a stream hands them over.
        for (int i = 0; i < bytes.length; i += 5) {
            byte[] piece = new byte[Math.min(5, bytes.length - i)];
            System.arraycopy(bytes, i, piece, 0, piece.length);
            records.add(piece, piece.length);
        }
        assertEquals(4, records.complete());
        assertEquals(4, records.total());
    }

    @Test
    void shouldCountALastRecordWithoutALineBreak() {
        CsvRecords records = new CsvRecords();
        byte[] bytes = "h\r\n1\r\n2".getBytes(StandardCharsets.UTF_8);
        records.add(bytes, bytes.length);
        assertEquals(2, records.complete());
        assertEquals(3, records.total());
    }
}
