package io.apimeter.gateway.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "customer")
public class Customer extends PanacheEntityBase {
    /** What a customer can be: an ACTIVE customer's platform keys work, a DISABLED customer's are refused. */
    public enum Status {
        ACTIVE,
        DISABLED
    }

    @Id
    public String id;
    public String name;
    public String email;
    public String status;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
