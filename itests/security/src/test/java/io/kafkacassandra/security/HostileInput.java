package io.kafkacassandra.security;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Generators of hostile strings: path tricks, CQL fragments, control characters, lone surrogates, huge text. */
final class HostileInput {
    /** Pieces an attacker or a buggy caller would try; mixed with arbitrary text. */
    static final List<String> TRICKS = List.of(
            "",
            ".",
            "..",
            "...",
            "a",
            "b",
            "'",
            "\"",
            "''",
            "';DROP TABLE kv;--",
            "' OR '1'='1",
            "x; TRUNCATE kv",
            "$$",
            "%00",
            "%2F",
            "\\",
            "\\0",
            "\u0000",
            "\n",
            "\r\n",
            "\t",
            "\u007f",
            "\u0085",
            "\u2028",
            "\u200b",
            "\ufeff",
            "日本",
            "\uD83D\uDE00",
            "\uD800",
            "\uDC00",
            " ",
            "*",
            "?",
            ":",
            "{}",
            "${keyspace}",
            "system_auth.roles",
            "x".repeat(300));

    private HostileInput() {}

    static Arbitrary<String> segments() {
        return Arbitraries.oneOf(
                Arbitraries.of(TRICKS),
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .withChars("-_.@ ")
                        .ofMinLength(1)
                        .ofMaxLength(10));
    }

    /** Keys and namespaces: mostly absolute paths, some with a trailing slash, some relative, some anything. */
    static Arbitrary<String> paths() {
        Arbitrary<String> joined = segments().list().ofMaxSize(5).map(parts -> String.join("/", parts));
        return Arbitraries.frequencyOf(List.of(
                weight(6, joined.map(s -> "/" + s)),
                weight(1, joined.map(s -> "/" + s + "/")),
                weight(1, joined),
                weight(1, Arbitraries.strings().all().ofMaxLength(30)),
                weight(
                        1,
                        Arbitraries.of(
                                "/" + "k".repeat(DocumentedRules.MAX_KEY_LENGTH - 1),
                                "/" + "k".repeat(DocumentedRules.MAX_KEY_LENGTH),
                                "/",
                                "//",
                                "/./a",
                                "/a/.."))));
    }

    private static Tuple.Tuple2<Integer, Arbitrary<String>> weight(int weight, Arbitrary<String> values) {
        return Tuple.of(weight, values);
    }

    /** Ids and names: one segment of any kind, sometimes long. */
    static Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                segments(),
                Arbitraries.of(
                        "x".repeat(DocumentedRules.MAX_ID_LENGTH), "x".repeat(DocumentedRules.MAX_ID_LENGTH + 1)),
                Arbitraries.strings().all().ofMinLength(200).ofMaxLength(300));
    }

    /** Values: any text, around the size limit, with every kind of character. */
    static Arbitrary<String> values(int maxBytes) {
        return Arbitraries.oneOf(
                Arbitraries.of(TRICKS),
                Arbitraries.strings().all().ofMaxLength(64),
                Arbitraries.strings().all().ofMinLength(maxBytes / 3 - 8).ofMaxLength(maxBytes / 2 + 8),
                Arbitraries.of("x".repeat(maxBytes), "x".repeat(maxBytes + 1), "日".repeat(maxBytes / 3 + 1)));
    }
}
