package io.apimeter.common.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.common.messaging.RecordFailures.Kind;
import io.apimeter.events.EventFormatException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class RecordFailuresTest {

    @Test
    void shouldDeadLetterOnlyWhatCanNeverBecomeAnEvent() {
        assertEquals(Kind.POISON, RecordFailures.classify(new EventFormatException("unknown schemaVersion 9")));
        assertEquals(Kind.POISON, RecordFailures.classify(new IllegalStateException(
                new EventFormatException("customerId is required"))));
    }

    @Test
    void shouldWaitOutADatabaseThatIsAwayLockedOrBusy() {
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new IllegalStateException("could not open connection",
                new SQLTransientConnectionException("Connection refused", "08001"))));
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new SQLException("terminating connection due to"
                + " administrator command", "57P01")));
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new SQLException("could not serialize access", "40001")));
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new SQLException("deadlock detected", "40P01")));
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new SQLException("canceling statement due to statement"
                + " timeout", "57014")));
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new SQLException("the database system is starting up",
                "57P03")));
    }

    @Test
    void shouldWaitOutABrokerThatIsAwayAndWhatNobodyForesaw() {
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new TimeoutException("Timeout expired")));
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new IllegalStateException("EntityManagerFactory is closed")));
        assertEquals(Kind.TRANSIENT, RecordFailures.classify(new NullPointerException()));
    }

    @Test
    void shouldCallARefusedValueADataFailure() {
        assertEquals(Kind.DATA, RecordFailures.classify(new RuntimeException(
                new SQLException("value too long for type character varying(256)", "22001"))));
        assertEquals(Kind.DATA, RecordFailures.classify(new SQLException("violates check constraint", "23514")));
    }

    @Test
    void shouldDescribeAFailureByItsCauseWithoutAStack() {
        assertEquals("SQLTransientConnectionException: Connection refused", RecordFailures.describe(
                new IllegalStateException("wrapper", new SQLTransientConnectionException("Connection refused"))));
        assertEquals("customerId is required", RecordFailures.describe(
                new IllegalStateException(new EventFormatException("customerId is required"))));
    }
}
