package io.apimeter.quota.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** The platform's monthly cost budget (a single row, id 1); a null amount means no budget. */
@Entity
@Table(name = "platform_budget")
public class PlatformBudget {
    public static final int ID = 1;

    @Id
    @Column(name = "id")
    public int id;

    @Column(name = "monthly_cost_usd")
    public BigDecimal monthlyCostUsd;

    @Column(name = "warn_at_percent")
    public int warnAtPercent;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
