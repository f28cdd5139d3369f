package dev.coldsendproxy.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile read into stages and instructions, enough to check what {@code docker build} would
 * need without a Docker engine: the files it copies, the user, ports and entry point of each stage.
 */
record Dockerfile(Path file, List<Stage> stages) {

    /** One instruction: upper-case keyword and its argument text (continuation lines joined). */
    record Instruction(String keyword, String arguments) {

        /** Whitespace-separated words; JSON array form (["a", "b"]) yields its strings. */
        List<String> words() {
            String text = arguments.strip();
            if (text.startsWith("[")) {
                return Arrays.stream(text.substring(1, text.length() - 1).split(","))
                        .map(String::strip)
                        .map(w -> w.replaceAll("^\"|\"$", ""))
                        .toList();
            }
            return List.of(text.split("\\s+"));
        }
    }

    /** One COPY/ADD: its flags (--from, --chown ...), its sources and its destination. */
    record Copy(Optional<String> fromStage, List<String> sources, String destination) {
    }

    /** One build stage: from FROM to the next FROM. */
    record Stage(String baseImage, Optional<String> name, List<Instruction> instructions) {

        List<Copy> copies() {
            List<Copy> copies = new ArrayList<>();
            for (Instruction instruction : instructions) {
                if (instruction.keyword().equals("COPY") || instruction.keyword().equals("ADD")) {
                    List<String> words = instruction.words();
                    Optional<String> from = words.stream().filter(w -> w.startsWith("--from="))
                            .map(w -> w.substring("--from=".length())).findFirst();
                    List<String> paths = words.stream().filter(w -> !w.startsWith("--")).toList();
                    copies.add(new Copy(from, paths.subList(0, paths.size() - 1), paths.get(paths.size() - 1)));
                }
            }
            return copies;
        }

        /** The last value of an instruction in this stage (USER, ENTRYPOINT ...). */
        Optional<Instruction> last(String keyword) {
            Instruction found = null;
            for (Instruction instruction : instructions) {
                if (instruction.keyword().equals(keyword)) {
                    found = instruction;
                }
            }
            return Optional.ofNullable(found);
        }

        /** Every word of every instruction with this keyword (e.g. all EXPOSEd ports). */
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword))
                    .flatMap(i -> i.words().stream()).toList();
        }

        /** The value of ENV name=value (quotes removed). */
        Optional<String> env(String name) {
            return instructions.stream()
                    .filter(i -> i.keyword().equals("ENV") && i.arguments().startsWith(name + "="))
                    .map(i -> i.arguments().substring(name.length() + 1).replaceAll("^\"|\"$", ""))
                    .reduce((first, second) -> second);
        }
    }

    /** Parses the file; comments dropped, backslash continuations joined. */
    static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        StringBuilder pending = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String whole = pending.append(line).toString().strip();
            pending.setLength(0);
            if (whole.isEmpty()) {
                continue;
            }
            String[] parts = whole.split("\\s+", 2);
            Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
            if (instruction.keyword().equals("FROM")) {
                List<String> words = instruction.words();
                Optional<String> name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS")
                        ? Optional.of(words.get(2)) : Optional.empty();
                current = new ArrayList<>();
                stages.add(new Stage(words.get(0), name, current));
            } else if (current == null) {
                throw new IllegalStateException(file + ": " + instruction.keyword() + " before the first FROM");
            } else {
                current.add(instruction);
            }
        }
        return new Dockerfile(file, stages);
    }

    /** The stage that becomes the image. */
    Stage finalStage() {
        return stages.get(stages.size() - 1);
    }
}
