package dev.coldsendproxy.support;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.Map;

/** The proxy's Prometheus scrape, read the way Prometheus reads it: one sample per line. */
public final class Metrics {

    private final String text;
    private final Map<String, Double> samples;

    private Metrics(String text) {
        this.text = text;
        this.samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            // With tracing on, counters and histogram buckets carry an OpenMetrics exemplar after the value:
            // "name{labels} 3.0 # {span_id="..",trace_id=".."} 1.0 1796204321.251".
            int exemplar = line.indexOf(" # {");
            if (exemplar >= 0) {
                line = line.substring(0, exemplar);
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    /** Scrapes {@code /q/metrics} on the management port. */
    public static Metrics scrape() {
        return new Metrics(given().get(Management.url("/q/metrics")).then().statusCode(200).extract().asString());
    }

    /** Scrapes a packaged proxy's metrics at {@code uri} (its management port's {@code /q/metrics}). */
    public static Metrics scrape(java.net.URI uri) {
        return new Metrics(given().get(uri).then().statusCode(200).extract().asString());
    }

    /**
     * The value of the sample whose name is {@code name} and whose labels include every
     * {@code label="value"} given (0 when none matches: a counter not yet incremented).
     */
    public double value(String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String key = sample.getKey();
            String sampleName = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
            if (!sampleName.equals(name)) {
                continue;
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= key.contains(label);
            }
            if (matches) {
                sum += sample.getValue();
                found = true;
            }
        }
        return found ? sum : 0;
    }

    /** Whether any sample has this name. */
    public boolean has(String name) {
        return samples.keySet().stream().anyMatch(key -> key.equals(name) || key.startsWith(name + "{"));
    }

    /** The whole scrape. */
    public String text() {
        return text;
    }
}
