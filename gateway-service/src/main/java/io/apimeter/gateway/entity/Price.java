package io.apimeter.gateway.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** One effective-dated entry of the price book. Prices are per {@code unitSize} units. */
@Entity
@Table(name = "price")
public class Price extends PanacheEntityBase {
    @Id
    public String id;
    public String provider;
    /** Model family, or {@code *} for a provider priced independently of the model. */
    public String model;
    /** TOKENS, CHARACTERS or SECONDS. */
    public String unit;
    @Column(name = "input_per_unit")
    public BigDecimal inputPerUnit;
    @Column(name = "output_per_unit")
    public BigDecimal outputPerUnit;
    @Column(name = "per_unit")
    public BigDecimal perUnit;
    @Column(name = "unit_size")
    public long unitSize;
    @Column(name = "effective_from")
    public Instant effectiveFrom;
    public int version;
    @Column(name = "created_at")
    public Instant createdAt;
}
