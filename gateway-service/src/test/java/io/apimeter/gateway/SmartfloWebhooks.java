package io.apimeter.gateway;

import static io.apimeter.testkit.security.Callers.asAdmin;
import static io.restassured.RestAssured.given;

import io.apimeter.simulator.smartflo.SmartfloSignature;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Smartflo's call records, as Smartflo posts them to the gateway: to the customer's URL, signed with its secret. */
final class SmartfloWebhooks {
    private SmartfloWebhooks() {
    }

    /** Issues the customer's Smartflo webhook secret as an admin would; returns the secret. */
    static String issueSecret(String customerId) {
        return asAdmin().post("/admin/customers/{id}/smartflo/webhook-secret", customerId)
                .then().statusCode(201).extract().path("secret");
    }

    /** Posts a call record to the customer's webhook URL, signed with {@code secret}. */
    static ValidatableResponse post(String customerId, String secret, String record) {
        return given().contentType(ContentType.JSON)
                .header(SmartfloSignature.HEADER, SmartfloSignature.sign(secret, record))
                .body(record).post("/smartflo/webhooks/cdr/{customerId}", customerId).then();
    }
}
