package dev.coldsendproxy.support;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, found the plain way: drop label matchers, ranges,
 * strings and grouping clauses, then keep every identifier that is not a function, a keyword or a
 * number. Enough for the expressions of our dashboard and rules; not a PromQL parser.
 */
public final class PromQl {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan");

    private PromQl() {
    }

    /** Metric names read by {@code expression} (Grafana's {@code $variables} included in it are ignored). */
    public static Set<String> metricNames(String expression) {
        String plain = expression
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // strings (label values, format arguments)
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^\\]]*]", " ") // ranges and subqueries
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // grouping labels
                .replaceAll("\\$\\{?[a-zA-Z_]+}?", " "); // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher matcher = IDENTIFIER.matcher(plain);
        while (matcher.find()) {
            String word = matcher.group();
            int next = matcher.end();
            while (next < plain.length() && Character.isWhitespace(plain.charAt(next))) {
                next++;
            }
            boolean function = next < plain.length() && plain.charAt(next) == '(';
            boolean exponent = matcher.start() > 0 && Character.isDigit(plain.charAt(matcher.start() - 1));
            if (!function && !exponent && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }
}
