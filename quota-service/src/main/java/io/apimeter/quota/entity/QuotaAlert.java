package io.apimeter.quota.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A threshold already crossed: its alert was emitted and is never emitted again that month. */
@Entity
@Table(name = "quota_alert")
@IdClass(QuotaAlert.Key.class)
public class QuotaAlert {
    @Id
    @Column(name = "customer_id")
    public String customerId;

    @Id
    @Column(name = "month")
    public String month;

    /** A {@link io.apimeter.events.QuotaDimension} name. */
    @Id
    @Column(name = "dimension")
    public String dimension;

    /** An {@link io.apimeter.events.AlertType} name: WARNING or EXCEEDED. */
    @Id
    @Column(name = "alert_type")
    public String alertType;

    @Column(name = "fired_at")
    public Instant firedAt;

    /** The eventId of the AlertEvent emitted. */
    @Column(name = "event_id")
    public UUID eventId;

    /** The usage event that caused it; null when a quota change did. */
    @Column(name = "cause_event_id")
    public UUID causeEventId;

    public static class Key implements Serializable {
        public String customerId;
        public String month;
        public String dimension;
        public String alertType;

        public Key() {
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(customerId, key.customerId)
                    && Objects.equals(month, key.month) && Objects.equals(dimension, key.dimension)
                    && Objects.equals(alertType, key.alertType);
        }

        @Override
        public int hashCode() {
            return Objects.hash(customerId, month, dimension, alertType);
        }
    }
}
