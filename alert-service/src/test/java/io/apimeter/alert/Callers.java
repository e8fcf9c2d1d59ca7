package io.apimeter.alert;

import static io.restassured.RestAssured.given;

import io.apimeter.testkit.TestTokens;
import io.restassured.specification.RequestSpecification;

/** Requests as the people of the platform make them: with their bearer tokens. */
final class Callers {
    private Callers() {
    }

    /** An admin: sees and handles every alert. */
    static RequestSpecification asAdmin() {
        return given().auth().oauth2(TestTokens.admin());
    }

    /** A person of this customer: reads its own customer's alerts only. */
    static RequestSpecification asCustomer(String customerId) {
        return given().auth().oauth2(TestTokens.customer(customerId));
    }
}
