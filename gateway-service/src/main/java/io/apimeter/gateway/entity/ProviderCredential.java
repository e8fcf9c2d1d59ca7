package io.apimeter.gateway.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A customer's own provider key, encrypted at rest; only a masked form is ever shown. */
@Entity
@Table(name = "provider_credential")
public class ProviderCredential extends PanacheEntityBase {
    @EmbeddedId
    public Key key;
    @Column(name = "key_id")
    public String keyId;
    public byte[] iv;
    public byte[] ciphertext;
    public String masked;
    @Column(name = "updated_at")
    public Instant updatedAt;

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "customer_id")
        public String customerId;
        public String provider;

        public Key() {
        }

        public Key(String customerId, String provider) {
            this.customerId = customerId;
            this.provider = provider;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(customerId, k.customerId) && Objects.equals(provider, k.provider);
        }

        @Override
        public int hashCode() {
            return Objects.hash(customerId, provider);
        }
    }
}
