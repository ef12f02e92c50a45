package io.kafkacassandra.launcher.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** ZooKeeper's four-letter words ({@code ruok}, {@code srvr}, {@code mntr}), as {@code nc} would send them. */
public final class FourLetterWords {
    private FourLetterWords() {}

    /** The server's answer, or "" if it cannot be reached. */
    public static String send(String host, int port, String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1_000);
            s.setSoTimeout(2_000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            return in.lines().collect(Collectors.joining("\n"));
        } catch (IOException | UncheckedIOException e) {
            // UncheckedIOException: lines() wraps a read that timed out (a server still starting once answered
            // srvr without closing the socket, and a benchmark run stopped on it)
            return "";
        }
    }
}
