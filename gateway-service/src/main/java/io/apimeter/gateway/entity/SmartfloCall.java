package io.apimeter.gateway.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A call placed through Smartflo click-to-call; its billed seconds arrive later, in a call record from Smartflo's
 * webhook or its call records API, and a later record that differs corrects them.
 */
@Entity
@Table(name = "smartflo_call")
public class SmartfloCall extends PanacheEntityBase {
    /** Where the seconds billed last came from. */
    public enum Source {
        /** The record Smartflo posted to the customer's webhook. */
        WEBHOOK,
        /** Smartflo's call records API, asked by the reconciliation job. */
        RECORDS_API
    }

    @Id
    @Column(name = "call_id")
    public String callId;
    @Column(name = "customer_id")
    public String customerId;
    @Column(name = "api_key_id")
    public String apiKeyId;
    @Column(name = "placed_at")
    public Instant placedAt;
    /** When the call was first billed; null while unbilled. */
    @Column(name = "billed_at")
    public Instant billedAt;
    /** The seconds billed, corrections included. */
    @Column(name = "billed_seconds")
    public Long billedSeconds;
    /** What the seconds billed cost (corrections included); null when unpriced. */
    @Column(name = "billed_cost")
    public BigDecimal billedCost;
    @Column(name = "billed_by")
    public String billedBy;
    /** Corrections metered so far. */
    public int adjustments;
    /** When reconciliation next looks the call up, while it is unbilled. */
    @Column(name = "next_check_at")
    public Instant nextCheckAt;
    public int checks;
    /** When the UNBILLED_CALL alert for the call was taken by the broker; null while none was. */
    @Column(name = "unbilled_alert_at")
    public Instant unbilledAlertAt;
}
