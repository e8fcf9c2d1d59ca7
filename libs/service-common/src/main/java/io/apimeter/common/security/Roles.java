package io.apimeter.common.security;

/** The realm roles of the platform's identity provider. */
public final class Roles {
    private Roles() {
    }

    /** Reads and changes everything. */
    public static final String ADMIN = "admin";
    /** A person of one customer: reads that customer's data only (claim {@code customer_id}), changes nothing. */
    public static final String CUSTOMER = "customer";
    /** The access-token claim that names a customer person's customer. */
    public static final String CUSTOMER_ID_CLAIM = "customer_id";
}
