package io.apimeter.quota;

import static io.apimeter.testkit.security.Callers.asAdmin;

import io.quarkus.arc.Arc;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Quotas and platform budgets set through the API and then dated back a century, for tests that count usage in
 * fixed past months: a month is judged against the limits in force in it, and a quota set today is not in force
 * in 2025. Dating back moves the newest version only, by the same span each time, so versions keep their order.
 */
final class LimitsInForce {
    private static final String CENTURY = "interval '100 years'";

    private LimitsInForce() {
    }

    /** PUTs the customer's quota (200 expected); it is then in force for every month since a century ago. */
    static void putQuota(String customer, String body) {
        asAdmin().contentType(ContentType.JSON).body(body)
                .when().put("/quotas/{id}", customer)
                .then().statusCode(200);
        update("update quota_version set valid_from = valid_from - " + CENTURY + " where customer_id = ?"
                + " and valid_from = (select max(valid_from) from quota_version where customer_id = ?)", customer, customer);
    }

    /** PUTs the platform budget (200 expected); it is then in force for every month since a century ago. */
    static void putBudget(String body) {
        asAdmin().contentType(ContentType.JSON).body(body).when().put("/platform/budget").then().statusCode(200);
        update("update platform_budget_version set valid_from = valid_from - " + CENTURY
                + " where valid_from = (select max(valid_from) from platform_budget_version)");
    }

    private static void update(String sql, String... parameters) {
        DataSource dataSource = Arc.container().instance(DataSource.class).get();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            if (statement.executeUpdate() != 1) {
                throw new IllegalStateException("no version to date back: " + sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
