package dev.coldsendproxy.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Docker's {@code .dockerignore} rules, as the engine applies them: the last pattern that matches a
 * path or one of its parent folders decides, {@code !} re-includes, {@code *} stays within one path
 * segment and {@code **} spans several. A COPY source the file excludes fails the build.
 */
final class DockerIgnore {

    private record Rule(Pattern pattern, boolean include) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static DockerIgnore read(Path file) {
        try {
            List<Rule> rules = new ArrayList<>();
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                boolean include = line.startsWith("!");
                String pattern = (include ? line.substring(1) : line).strip();
                pattern = pattern.replaceAll("^/+", "").replaceAll("/+$", "");
                rules.add(new Rule(Pattern.compile(regex(pattern)), include));
            }
            return new DockerIgnore(rules);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether Docker leaves this path (relative to the build context, with '/') out of the context. */
    boolean excludes(String path) {
        boolean excluded = false;
        for (Rule rule : rules) {
            if (matchesOrParentMatches(rule.pattern(), path)) {
                excluded = !rule.include();
            }
        }
        return excluded;
    }

    private static boolean matchesOrParentMatches(Pattern pattern, String path) {
        String candidate = path;
        while (true) {
            if (pattern.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    private static String regex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    i++;
                    regex.append("/?");
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
