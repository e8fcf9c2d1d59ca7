package io.apimeter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks deploy/observability: the Prometheus configuration and alert rules, the Grafana provisioning and dashboard,
 * and the compose fragment. Above all, every metric name a rule or a dashboard query uses must be one the services
 * really register (read from their sources and converted the way Micrometer names them for Prometheus) or a framework
 * or exporter metric on {@link #FRAMEWORK_METRICS}: a renamed meter fails this test.
 */
class ObservabilityConfigTest {
    private static final Path ROOT = Path.of(System.getProperty("apimeter.root", "..")).toAbsolutePath().normalize();
    private static final Path OBSERVABILITY = ROOT.resolve("deploy/observability");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The services Prometheus scrapes; each is a compose service and a Kubernetes Service of that name. */
    private static final List<String> SERVICES = List.of("gateway-service", "usage-recorder-service",
            "aggregation-service", "quota-service", "alert-service");
    /** Where the meters those services register are defined. */
    private static final List<String> SOURCE_MODULES = List.of("gateway-service", "usage-recorder-service",
            "aggregation-service", "quota-service", "alert-service", "libs/service-common", "libs/spool");

    /**
     * Metrics no apimeter source registers, allowed in rules and dashboards, each with who exports it. Kafka client
     * metrics (kafka_consumer_*, kafka_producer_*) are deliberately not here: Quarkus binds them only to the clients
     * SmallRye Reactive Messaging creates, not to the BatchConsumer groups operators watch, so a lag rule on them
     * would see none of usage-recorder-service, aggregation-service, quota-service or alert-service.
     */
    static final Map<String, String> FRAMEWORK_METRICS = Map.of(
            "up", "Prometheus: 1 when the target was scraped",
            "ALERTS", "Prometheus: one series per pending or firing alert",
            "http_server_requests_seconds_count", "Quarkus Micrometer HTTP server binder (timer http.server.requests)",
            "http_server_requests_seconds_sum", "Quarkus Micrometer HTTP server binder (timer http.server.requests)",
            "http_server_requests_seconds_max", "Quarkus Micrometer HTTP server binder (timer http.server.requests)",
            "kafka_consumergroup_lag", "kafka-exporter (compose.yaml) or Strimzi's Kafka Exporter, not the services",
            "kafka_consumergroup_lag_sum", "kafka-exporter (compose.yaml) or Strimzi's Kafka Exporter, not the services");

    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+|0");

    // ---------------------------------------------------------------------------------------------- Prometheus

    @Test
    void prometheusScrapesEveryServiceAtQMetricsAndLoadsTheRules() {
        JsonNode config = yaml(OBSERVABILITY.resolve("prometheus/prometheus.yml"));
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        config.path("scrape_configs").forEach(job -> jobs.put(job.path("job_name").asText(), job));
        Set<String> composeServices = composeServices();
        for (String service : SERVICES) {
            JsonNode job = jobs.get(service);
            assertTrue(job != null, "no scrape job " + service + " in prometheus.yml: " + jobs.keySet());
            assertEquals("/q/metrics", job.path("metrics_path").asText(), service + ": metrics_path");
            assertEquals(List.of(service + ":8080"), targets(job),
                    service + ": targets (compose service name, container port 8080)");
        }
        for (Map.Entry<String, JsonNode> job : jobs.entrySet()) {
            for (String target : targets(job.getValue())) {
                String host = target.substring(0, target.indexOf(':'));
                assertTrue(composeServices.contains(host), "job " + job.getKey() + " scrapes " + target
                        + ", which is no service of docker-compose.yml or compose.yaml: " + composeServices);
            }
        }

        JsonNode prometheus = fragment().path("services").path("prometheus");
        List<String> mounts = texts(prometheus.path("volumes"));
        JsonNode ruleFiles = config.path("rule_files");
        assertFalse(ruleFiles.isEmpty(), "prometheus.yml loads no rule_files");
        for (JsonNode ruleFile : ruleFiles) {
            String inContainer = ruleFile.asText();
            String name = inContainer.substring(inContainer.lastIndexOf('/') + 1);
            assertTrue(Files.isRegularFile(OBSERVABILITY.resolve("prometheus").resolve(name)), "rule file " + name);
            String mount = "./deploy/observability/prometheus/" + name + ":" + inContainer + ":ro";
            assertTrue(mounts.contains(mount), "compose.yaml must mount " + mount + "; mounts: " + mounts);
        }
        assertTrue(texts(prometheus.path("command")).contains("--config.file=/etc/prometheus/prometheus.yml"));
        assertTrue(mounts.contains("./deploy/observability/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"),
                "compose.yaml must mount prometheus.yml read-only; mounts: " + mounts);
    }

    @Test
    void everyAlertRuleIsComplete() {
        Set<String> names = new TreeSet<>();
        int alerts = 0;
        for (JsonNode group : rules().path("groups")) {
            assertFalse(group.path("name").asText().isBlank(), "a rule group without a name");
            assertFalse(group.path("rules").isEmpty(), "group " + group.path("name").asText() + " has no rules");
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    assertFalse(rule.path("expr").asText().isBlank(), "recording rule without expr: " + rule);
                    continue;
                }
                String alert = rule.path("alert").asText();
                assertFalse(alert.isBlank(), "a rule that is neither an alert nor a recording rule: " + rule);
                assertTrue(names.add(alert), "alert " + alert + " is defined twice");
                assertFalse(rule.path("expr").asText().isBlank(), alert + ": expr");
                assertTrue(rule.has("for") && DURATION.matcher(rule.path("for").asText()).matches(),
                        alert + ": `for` must be a Prometheus duration (0m for at once), was " + rule.path("for"));
                assertTrue(SEVERITIES.contains(rule.path("labels").path("severity").asText()),
                        alert + ": labels.severity must be one of " + SEVERITIES);
                JsonNode annotations = rule.path("annotations");
                assertFalse(annotations.path("summary").asText().isBlank(), alert + ": annotations.summary");
                assertFalse(annotations.path("description").asText().isBlank(), alert + ": annotations.description");
                assertRunbookExists(alert, annotations.path("runbook").asText());
                alerts++;
            }
        }
        assertTrue(alerts >= 5, "expected the operators' alerts, found " + names);
    }

    /** A runbook annotation is {@code path#heading}: the file must exist in the repository with that heading. */
    private static void assertRunbookExists(String alert, String runbook) {
        assertTrue(runbook.matches("[\\w./-]+\\.md#[\\w-]+"), alert + ": annotations.runbook must be a repository"
                + " path to a Markdown heading (docs/operations.md#dead-letters), was '" + runbook + "'");
        String[] parts = runbook.split("#", 2);
        Path file = ROOT.resolve(parts[0]);
        assertTrue(Files.isRegularFile(file), alert + ": runbook file " + parts[0] + " does not exist");
        Set<String> anchors = headingAnchors(read(file));
        assertTrue(anchors.contains(parts[1]), alert + ": " + parts[0] + " has no heading #" + parts[1]
                + " (renamed?); its headings: " + anchors);
    }

    // ---------------------------------------------------------------------------------------------- Grafana

    @Test
    void grafanaProvisioningAndDashboardFitTogether() {
        JsonNode datasources = yaml(OBSERVABILITY.resolve("grafana/provisioning/datasources/prometheus.yml"));
        JsonNode datasource = datasources.path("datasources").path(0);
        assertEquals("prometheus", datasource.path("type").asText());
        assertEquals("http://prometheus:9090", datasource.path("url").asText(), "the compose service prometheus");
        String datasourceUid = datasource.path("uid").asText();
        assertFalse(datasourceUid.isBlank(), "the data source needs a fixed uid for the dashboard to refer to");

        JsonNode providers = yaml(OBSERVABILITY.resolve("grafana/provisioning/dashboards/apimeter.yml"));
        JsonNode provider = providers.path("providers").path(0);
        assertEquals("file", provider.path("type").asText());
        String dashboardsPath = provider.path("options").path("path").asText();
        JsonNode grafana = fragment().path("services").path("grafana");
        List<String> mounts = texts(grafana.path("volumes"));
        assertTrue(mounts.contains("./deploy/observability/grafana/dashboards:" + dashboardsPath + ":ro"),
                "compose.yaml must mount the dashboards at " + dashboardsPath + "; mounts: " + mounts);
        assertTrue(mounts.contains("./deploy/observability/grafana/provisioning:/etc/grafana/provisioning:ro"),
                "compose.yaml must mount the provisioning; mounts: " + mounts);

        JsonNode dashboard = dashboard();
        int schema = dashboard.path("schemaVersion").asInt();
        assertTrue(schema >= 39 && schema <= 41, "schemaVersion of Grafana 11 (39 to 41), was " + schema);
        assertFalse(dashboard.path("uid").asText().isBlank(), "dashboard uid");
        assertFalse(dashboard.path("title").asText().isBlank(), "dashboard title");
        Set<Integer> ids = new TreeSet<>();
        int queries = 0;
        for (JsonNode panel : panels(dashboard)) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "panel id " + panel.path("id") + " twice (" + title + ")");
            JsonNode grid = panel.path("gridPos");
            assertTrue(grid.path("w").asInt() > 0 && grid.path("x").asInt() + grid.path("w").asInt() <= 24,
                    title + ": gridPos outside the 24 columns");
            String type = panel.path("type").asText();
            if (type.equals("row") || type.equals("text")) {
                continue;
            }
            assertEquals(datasourceUid, panel.path("datasource").path("uid").asText(), title + ": data source");
            assertFalse(panel.path("targets").isEmpty(), title + ": no queries");
            Set<String> refIds = new TreeSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertFalse(target.path("expr").asText().isBlank(), title + ": a query without expr");
                assertTrue(refIds.add(target.path("refId").asText()), title + ": refId twice");
                queries++;
            }
        }
        assertTrue(queries >= 6, "the dashboard has only " + queries + " queries");
    }

    // ---------------------------------------------------------------------------------------------- compose

    @Test
    void composeFragmentIsAnOptInProfileOnLoopbackPorts() {
        JsonNode services = fragment().path("services");
        assertTrue(services.has("prometheus") && services.has("grafana"), "services prometheus and grafana");
        assertTrue(services.path("prometheus").path("image").asText().startsWith("prom/prometheus:v3."),
                "Prometheus 3.x image");
        assertTrue(services.path("grafana").path("image").asText().startsWith("grafana/grafana:11."),
                "Grafana 11.x image");
        Set<String> host = composeServices();
        services.fieldNames().forEachRemaining(name -> {
            JsonNode service = services.path(name);
            assertEquals(List.of("observability"), texts(service.path("profiles")), name + ": profiles");
            for (String port : texts(service.path("ports"))) {
                assertTrue(port.startsWith("127.0.0.1:"), name + ": port " + port + " must be bound to 127.0.0.1");
            }
            for (String volume : texts(service.path("volumes"))) {
                if (volume.startsWith("./")) {
                    assertTrue(volume.endsWith(":ro"), name + ": " + volume + " must be mounted read-only");
                    String source = volume.substring(2, volume.indexOf(':'));
                    assertTrue(Files.exists(ROOT.resolve(source)), name + ": " + source + " does not exist");
                }
            }
            service.path("depends_on").fieldNames().forEachRemaining(dependency -> assertTrue(host.contains(dependency),
                    name + " depends on " + dependency + ", no service of docker-compose.yml or compose.yaml"));
        });
        assertEquals(List.of("127.0.0.1:9090:9090"), texts(services.path("prometheus").path("ports")));
        assertEquals(List.of("127.0.0.1:3000:3000"), texts(services.path("grafana").path("ports")));
        JsonNode environment = services.path("grafana").path("environment");
        assertTrue(environment.path("GF_SECURITY_ADMIN_PASSWORD").asText().matches("\\$\\{GRAFANA_ADMIN_PASSWORD:\\?.+}"),
                "Grafana's admin password must come from ${GRAFANA_ADMIN_PASSWORD:?...}");
        assertEquals("false", environment.path("GF_AUTH_ANONYMOUS_ENABLED").asText(), "anonymous viewers off");
    }

    // ---------------------------------------------------------------------------------------------- metric names

    @Test
    void everyMetricInRulesAndDashboardIsRegisteredByTheCode() {
        Registered registered = registeredMetrics();
        Map<String, List<String>> unknown = new TreeMap<>();
        for (Map.Entry<String, String> query : queries().entrySet()) {
            for (String metric : metricNames(query.getValue())) {
                if (!registered.names().contains(metric) && !FRAMEWORK_METRICS.containsKey(metric)) {
                    unknown.computeIfAbsent(metric, m -> new ArrayList<>()).add(query.getKey());
                }
            }
        }
        if (!unknown.isEmpty()) {
            fail("metrics used in deploy/observability that no service registers (renamed meter?): " + unknown
                    + "\nregistered by the code: " + new TreeSet<>(registered.names())
                    + "\nallowed framework and exporter metrics: " + FRAMEWORK_METRICS.keySet()
                    + (registered.unresolved().isEmpty() ? ""
                    : "\nmeter names the scanner could not resolve (not a literal or constant of their file): "
                    + registered.unresolved()));
        }
    }

    @Test
    void everyJobAndConsumerGroupInRulesAndDashboardExists() {
        Set<String> jobs = new TreeSet<>();
        yaml(OBSERVABILITY.resolve("prometheus/prometheus.yml")).path("scrape_configs")
                .forEach(job -> jobs.add(job.path("job_name").asText()));
        Set<String> groups = consumerGroups();
        Pattern job = Pattern.compile("\\bjob\\s*=~?\\s*\"([^\"]+)\"");
        Pattern group = Pattern.compile("\\bconsumergroup\\s*=~?\\s*\"([^\"]+)\"");
        for (Map.Entry<String, String> query : queries().entrySet()) {
            for (String value : matches(job, query.getValue())) {
                for (String name : value.split("\\|")) {
                    assertTrue(jobs.contains(name), query.getKey() + ": job " + name + " is no scrape job " + jobs);
                }
            }
            for (String value : matches(group, query.getValue())) {
                for (String name : value.split("\\|")) {
                    assertTrue(groups.contains(name), query.getKey() + ": consumer group " + name
                            + " is no group id of the services " + groups);
                }
            }
        }
    }

    /** The scanner and the PromQL reader themselves, on examples of Micrometer's Prometheus naming. */
    @Test
    void namingFollowsMicrometersPrometheusConvention() {
        assertEquals(Set.of("apimeter_consumer_dead_letters_total"), prometheusNames("counter", "apimeter.consumer.dead.letters", null));
        assertEquals(Set.of("apimeter_gateway_usage_spool_bytes"), prometheusNames("gauge", "apimeter.gateway.usage.spool.bytes", "bytes"));
        assertEquals(Set.of("a_b_bytes"), prometheusNames("gauge", "a.b", "bytes"));
        assertEquals(Set.of("a_b_seconds_count", "a_b_seconds_sum", "a_b_seconds_max"), prometheusNames("timer", "a.b", null));
        assertEquals(Set.of("a_b_count", "a_b_sum", "a_b_max"), prometheusNames("summary", "a.b", null));
        assertEquals(Set.of("a_b_total"), prometheusNames("counter", "a-b", null));

        assertEquals(Set.of("http_server_requests_seconds_count"), metricNames(
                "sum by (provider, outcome) (label_replace(rate(http_server_requests_seconds_count{job=\"g\", "
                        + "uri=~\"/(openai|x)/v1/.*\"}[$__rate_interval]), \"provider\", \"$1\", \"uri\", \"/([^/]+)/v1/.*\"))"));
        assertEquals(Set.of("x_total", "y"), metricNames("sum by (job) (increase(x_total[10m])) > 0 or (y unless y offset 15m) * 1e3 > 0.5"));
        assertEquals(Set.of("ALERTS"), metricNames("count by (alertname) (ALERTS{alertstate=\"firing\"})"));
    }

    // ---------------------------------------------------------------------------------------------- reading the code

    record Registered(Set<String> names, List<String> unresolved) {
    }

    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|FunctionCounter|Gauge|TimeGauge|Timer|FunctionTimer|LongTaskTimer|DistributionSummary)"
                    + "\\s*\\.\\s*builder\\s*\\(\\s*(\"[^\"]*\"|[A-Za-z_][\\w.]*)");
    private static final Pattern REGISTRY_METHOD = Pattern.compile(
            "\\.\\s*(counter|gauge|gaugeCollectionSize|gaugeMapSize|timer|summary)\\s*\\(\\s*(\"[^\"]*\"|[A-Z_][A-Z0-9_]*)\\s*[,)]");
    private static final Pattern ANNOTATION = Pattern.compile(
            "@(Counted|Timed)\\b\\s*(?:\\(\\s*(?:value\\s*=\\s*)?(\"[^\"]*\")?[^)]*\\))?");
    private static final Pattern CONSTANT = Pattern.compile(
            "\\bstatic\\s+final\\s+String\\s+([A-Za-z_]\\w*)\\s*=\\s*\"([^\"]*)\"\\s*;");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\s*\\(\\s*\"([^\"]*)\"");

    /** The Prometheus names of every meter the services' sources register. */
    static Registered registeredMetrics() {
        Set<String> names = new TreeSet<>();
        List<String> unresolved = new ArrayList<>();
        for (Path file : sources()) {
            String code = read(file);
            Map<String, String> constants = new HashMap<>();
            Matcher constant = CONSTANT.matcher(code);
            while (constant.find()) {
                constants.put(constant.group(1), constant.group(2));
            }
            Matcher builder = BUILDER.matcher(code);
            while (builder.find()) {
                String type = switch (builder.group(1)) {
                    case "Counter", "FunctionCounter" -> "counter";
                    case "Gauge" -> "gauge";
                    case "TimeGauge" -> "timegauge";
                    case "Timer", "FunctionTimer" -> "timer";
                    case "LongTaskTimer" -> "longtasktimer";
                    default -> "summary";
                };
                String statement = code.substring(builder.start(), statementEnd(code, builder.start()));
                Matcher unit = BASE_UNIT.matcher(statement);
                String baseUnit = unit.find() ? unit.group(1) : null;
                add(names, unresolved, file, type, builder.group(2), baseUnit, constants);
            }
            Matcher method = REGISTRY_METHOD.matcher(code);
            while (method.find()) {
                String type = switch (method.group(1)) {
                    case "counter" -> "counter";
                    case "timer" -> "timer";
                    case "summary" -> "summary";
                    default -> "gauge";
                };
                add(names, unresolved, file, type, method.group(2), null, constants);
            }
            Matcher annotation = ANNOTATION.matcher(code);
            while (annotation.find()) {
                boolean counted = annotation.group(1).equals("Counted");
                String name = annotation.group(2) != null ? annotation.group(2)
                        : counted ? "\"method.counted\"" : "\"method.timed\"";
                add(names, unresolved, file, counted ? "counter" : "timer", name, null, constants);
            }
        }
        return new Registered(names, unresolved);
    }

    private static void add(Set<String> names, List<String> unresolved, Path file, String type, String nameExpression,
                            String baseUnit, Map<String, String> constants) {
        String name;
        if (nameExpression.startsWith("\"")) {
            name = nameExpression.substring(1, nameExpression.length() - 1);
        } else {
            name = constants.get(nameExpression.substring(nameExpression.lastIndexOf('.') + 1));
            if (name == null) {
                unresolved.add(ROOT.relativize(file) + ": " + nameExpression);
                return;
            }
        }
        names.addAll(prometheusNames(type, name, baseUnit));
    }

    /** Where the statement starting at {@code from} ends: its {@code ;} outside parentheses and strings. */
    private static int statementEnd(String code, int from) {
        int depth = 0;
        boolean string = false;
        for (int i = from; i < code.length(); i++) {
            char c = code.charAt(i);
            if (string) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    string = false;
                }
            } else if (c == '"') {
                string = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ';' && depth <= 0) {
                return i;
            }
        }
        return code.length();
    }

    /**
     * The series names a meter gets in Prometheus, as Micrometer's {@code PrometheusNamingConvention} and Prometheus
     * registry write them: dots (and other characters) become underscores; a counter, gauge or distribution summary
     * with a base unit ends in it; counters end in {@code _total}; timers are in seconds with {@code _count},
     * {@code _sum} and {@code _max} ({@code _bucket} only with a histogram, which no apimeter meter publishes).
     */
    static Set<String> prometheusNames(String type, String name, String baseUnit) {
        String base = name.replaceAll("[^a-zA-Z0-9_:]", "_");
        if (!base.matches("[a-zA-Z_:].*")) {
            base = "m_" + base;
        }
        if (baseUnit != null && Set.of("counter", "gauge", "summary").contains(type) && !base.endsWith("_" + baseUnit)) {
            base = base + "_" + baseUnit;
        }
        return switch (type) {
            case "counter" -> Set.of(base.endsWith("_total") ? base : base + "_total");
            case "timer" -> {
                String seconds = base.endsWith("_seconds") ? base : base + "_seconds";
                yield Set.of(seconds + "_count", seconds + "_sum", seconds + "_max");
            }
            case "longtasktimer" -> {
                String seconds = base.endsWith("_seconds") ? base : base + "_seconds";
                yield Set.of(seconds + "_active_count", seconds + "_duration_sum", seconds + "_max");
            }
            case "summary" -> Set.of(base + "_count", base + "_sum", base + "_max");
            case "timegauge" -> Set.of(base.endsWith("_seconds") ? base : base + "_seconds");
            default -> Set.of(base);
        };
    }

    private static List<Path> sources() {
        List<Path> files = new ArrayList<>();
        for (String module : SOURCE_MODULES) {
            Path dir = ROOT.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(dir), "no sources in " + dir);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** The consumer group ids the services declare ({@code GROUP = "..."}), and the dead-letter replay group. */
    private static Set<String> consumerGroups() {
        Set<String> groups = new TreeSet<>(Set.of("apimeter-dlq-replay"));
        Pattern declaration = Pattern.compile("\\bGROUP\\s*=\\s*\"([^\"]+)\"");
        for (Path file : sources()) {
            groups.addAll(matches(declaration, read(file)));
        }
        return groups;
    }

    // ---------------------------------------------------------------------------------------------- reading PromQL

    private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan", "start", "end");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:$.])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

    /** The metric names a PromQL expression selects (not functions, labels, keywords or Grafana variables). */
    static Set<String> metricNames(String expression) {
        String s = expression
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("`[^`]*`", "``")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(s);
        while (identifier.find()) {
            String name = identifier.group(1);
            if (!PROMQL_KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }

    /** Every PromQL expression of the rules and the dashboard, keyed by where it is. */
    private static Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode group : rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                queries.put("alert-rules.yml " + name, rule.path("expr").asText());
            }
        }
        for (JsonNode panel : panels(dashboard())) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("apimeter.json panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        assertFalse(queries.isEmpty(), "no queries found");
        return queries;
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static JsonNode rules() {
        return yaml(OBSERVABILITY.resolve("prometheus/alert-rules.yml"));
    }

    private static JsonNode dashboard() {
        try {
            return JSON.readTree(read(OBSERVABILITY.resolve("grafana/dashboards/apimeter.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode fragment() {
        return yaml(OBSERVABILITY.resolve("compose.yaml"));
    }

    /** The panels of a dashboard, those inside collapsed rows included. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The services of docker-compose.yml (read as text: it uses YAML merge keys) and of the fragment. */
    private static Set<String> composeServices() {
        Set<String> services = new TreeSet<>();
        String compose = read(ROOT.resolve("docker-compose.yml"));
        int start = compose.indexOf("\nservices:\n");
        assertTrue(start >= 0, "docker-compose.yml has no services");
        Matcher next = Pattern.compile("(?m)^\\S").matcher(compose);
        int end = next.find(start + "\nservices:\n".length()) ? next.start() : compose.length();
        Matcher service = Pattern.compile("(?m)^  ([a-z0-9][\\w-]*):\\s*$").matcher(compose);
        service.region(start, end);
        while (service.find()) {
            services.add(service.group(1));
        }
        fragment().path("services").fieldNames().forEachRemaining(services::add);
        return services;
    }

    /** A job's targets as host:port, from static_configs and from dns_sd_configs (a name and a port). */
    private static List<String> targets(JsonNode job) {
        List<String> targets = new ArrayList<>();
        job.path("static_configs").forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));
        job.path("dns_sd_configs").forEach(c -> {
            assertEquals("A", c.path("type").asText("A"), job.path("job_name").asText() + ": DNS record type");
            c.path("names").forEach(name -> targets.add(name.asText() + ":" + c.path("port").asText()));
        });
        return targets;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    /** GitHub's anchors of a Markdown file's headings (outside code fences), repeated ones with -1, -2, ... */
    static Set<String> headingAnchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String slug = heading.group(1).toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }

    private static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
