package io.apimeter.testkit.security;

import static io.restassured.RestAssured.given;

import io.apimeter.testkit.TestTokens;
import io.restassured.specification.RequestSpecification;

/** Requests as the people of the platform make them: with their bearer tokens. */
public final class Callers {
    private Callers() {
    }

    /** An admin: reads and changes everything. */
    public static RequestSpecification asAdmin() {
        return given().auth().oauth2(TestTokens.admin());
    }

    /** A person of this customer: reads its own customer's data only. */
    public static RequestSpecification asCustomer(String customerId) {
        return given().auth().oauth2(TestTokens.customer(customerId));
    }
}
