package dev.coldsendproxy.error;

/** The JSON body of every error: Coldsend's own shape, so consumers keep their error handling. */
public record Problem(String detail) {
}
