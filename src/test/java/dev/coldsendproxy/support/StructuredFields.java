package dev.coldsendproxy.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of RFC 8941 Lists of Items (strings, tokens, integers, booleans, with
 * parameters), enough to prove the proxy's {@code RateLimit-Policy} and {@code RateLimit} fields
 * are well-formed structured fields. Anything it does not understand is an error, not a skip.
 */
public final class StructuredFields {

    /** One list member: its bare item and its parameters, in order. */
    public record Item(Object value, Map<String, Object> params) {
    }

    private final String text;
    private int at;

    private StructuredFields(String text) {
        this.text = text;
    }

    /** Parses {@code field} as an sf-list; throws {@link IllegalArgumentException} when it is not one. */
    public static List<Item> list(String field) {
        StructuredFields parser = new StructuredFields(field);
        List<Item> items = new ArrayList<>();
        parser.skip(' ');
        while (parser.at < field.length()) {
            items.add(parser.item());
            parser.skipOws();
            if (parser.at == field.length()) {
                break;
            }
            parser.expect(',');
            parser.skipOws();
            if (parser.at == field.length()) {
                throw new IllegalArgumentException("trailing comma in " + field);
            }
        }
        return items;
    }

    /** Parses {@code field} as a single sf-item. */
    public static Item item(String field) {
        List<Item> items = list(field);
        if (items.size() != 1) {
            throw new IllegalArgumentException("not one item: " + field);
        }
        return items.get(0);
    }

    private Item item() {
        Object value = bareItem();
        Map<String, Object> params = new LinkedHashMap<>();
        while (at < text.length() && text.charAt(at) == ';') {
            at++;
            skip(' ');
            String key = key();
            Object param = Boolean.TRUE;
            if (at < text.length() && text.charAt(at) == '=') {
                at++;
                param = bareItem();
            }
            params.put(key, param);
        }
        return new Item(value, params);
    }

    private Object bareItem() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '-' || Character.isDigit(c)) {
            return integer();
        }
        if (c == '?') {
            at++;
            char b = peek();
            at++;
            if (b != '0' && b != '1') {
                throw new IllegalArgumentException("bad boolean at " + at + " in " + text);
            }
            return b == '1';
        }
        if (Character.isLetter(c) || c == '*') {
            int start = at;
            while (at < text.length() && "!#$%&'*+-.^_`|~:/".indexOf(text.charAt(at)) >= 0
                    || at < text.length() && Character.isLetterOrDigit(text.charAt(at))) {
                at++;
            }
            return text.substring(start, at);
        }
        throw new IllegalArgumentException("no bare item at " + at + " in " + text);
    }

    private String string() {
        StringBuilder value = new StringBuilder();
        at++;
        while (true) {
            char c = peek();
            at++;
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\') {
                char escaped = peek();
                at++;
                if (escaped != '"' && escaped != '\\') {
                    throw new IllegalArgumentException("bad escape in " + text);
                }
                value.append(escaped);
            } else if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("bad character in string of " + text);
            } else {
                value.append(c);
            }
        }
    }

    private long integer() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        if (at - start > 15 || at == start || (at < text.length() && text.charAt(at) == '.')) {
            throw new IllegalArgumentException("not an sf-integer at " + start + " in " + text);
        }
        return Long.parseLong(text.substring(start, at));
    }

    private String key() {
        int start = at;
        char first = peek();
        if (!(Character.isLowerCase(first) || first == '*')) {
            throw new IllegalArgumentException("bad key at " + at + " in " + text);
        }
        while (at < text.length() && (Character.isLowerCase(text.charAt(at)) || Character.isDigit(text.charAt(at))
                || "_-.*".indexOf(text.charAt(at)) >= 0)) {
            at++;
        }
        return text.substring(start, at);
    }

    private char peek() {
        if (at >= text.length()) {
            throw new IllegalArgumentException("unexpected end of " + text);
        }
        return text.charAt(at);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + at + " in " + text);
        }
        at++;
    }

    private void skip(char c) {
        while (at < text.length() && text.charAt(at) == c) {
            at++;
        }
    }

    private void skipOws() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
    }
}
