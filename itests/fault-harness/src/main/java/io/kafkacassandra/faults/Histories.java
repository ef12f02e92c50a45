package io.kafkacassandra.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/** Every event of a run, with the indexes the checks share. */
final class Histories {
    /** The error of a write whose process died while it ran. */
    static final String PROCESS_DIED = "ProcessDied";

    final List<Event> events;
    final List<Event.Op> ops = new ArrayList<>();
    final List<Event.Fault> faults = new ArrayList<>();
    final List<Event.Fenced> fenced = new ArrayList<>();
    final List<Event.FencedRead> fencedReads = new ArrayList<>();
    final Map<String, Event.FinalRead> finalReads = new LinkedHashMap<>();
    final Map<String, String> brokerOf = new LinkedHashMap<>();
    final Map<String, Long> spawnedAt = new HashMap<>();
    final Map<String, Long> exitedAt = new HashMap<>();
    private OptionalLong quietAt = OptionalLong.empty();

    Histories(List<Event> events) {
        this.events = List.copyOf(events);
        List<Event.Invoke> invokes = new ArrayList<>();
        List<Event.FencedInvoke> fencedInvokes = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Op o) {
                ops.add(o);
            } else if (e instanceof Event.Fault f) {
                faults.add(f);
            } else if (e instanceof Event.FinalRead r) {
                finalReads.put(r.key(), r);
            } else if (e instanceof Event.Spawn s) {
                brokerOf.put(s.process(), s.broker());
                spawnedAt.put(s.process(), s.at());
            } else if (e instanceof Event.Exit x) {
                exitedAt.merge(x.process(), x.at(), Math::min);
            } else if (e instanceof Event.Quiet q) {
                quietAt = OptionalLong.of(q.at());
            } else if (e instanceof Event.Invoke i) {
                invokes.add(i);
            } else if (e instanceof Event.Fenced w) {
                fenced.add(w);
            } else if (e instanceof Event.FencedInvoke fi) {
                fencedInvokes.add(fi);
            } else if (e instanceof Event.FencedRead fr) {
                fencedReads.add(fr);
            }
        }
        addWritesCutShort(invokes);
        addFencedWritesCutShort(fencedInvokes);
    }

    /** A write whose process died before it returned may or may not have applied: its outcome is unknown. */
    private void addWritesCutShort(List<Event.Invoke> invokes) {
        Set<String> completed = new HashSet<>();
        ops.forEach(o -> completed.add(o.value()));
        for (Event.Invoke i : invokes) {
            if (!completed.contains(i.value())) {
                ops.add(new Event.Op(
                        i.process(),
                        i.kind(),
                        i.key(),
                        i.value(),
                        i.expected(),
                        i.invoke(),
                        exitOf(i.process()),
                        Event.Outcome.UNKNOWN,
                        Event.ABSENT,
                        0,
                        PROCESS_DIED));
            }
        }
    }

    /** The same for fenced writes: one cut short by its process's death may have applied. */
    private void addFencedWritesCutShort(List<Event.FencedInvoke> invokes) {
        Set<String> completed = new HashSet<>();
        fenced.forEach(w -> completed.add(w.value()));
        for (Event.FencedInvoke i : invokes) {
            if (!completed.contains(i.value())) {
                fenced.add(new Event.Fenced(
                        i.process(),
                        i.kind(),
                        i.key(),
                        i.value(),
                        i.epoch(),
                        i.invoke(),
                        exitOf(i.process()),
                        Event.Outcome.UNKNOWN,
                        0,
                        0,
                        PROCESS_DIED));
            }
        }
    }

    /** Reads every {@code *.history} file of the directory. */
    static Histories read(Path directory) {
        List<Event> events = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".history"))
                    .sorted()
                    .toList()) {
                events.addAll(Event.parseAll(Files.readAllLines(file, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the histories in " + directory, e);
        }
        return new Histories(events);
    }

    /** When the last fault was healed; the end of the run if no QUIET was logged. */
    long quietAt() {
        return quietAt.orElse(Long.MAX_VALUE);
    }

    /** When the process ended; {@link Long#MAX_VALUE} if no exit was logged (so nothing is cut short). */
    long exitOf(String process) {
        return exitedAt.getOrDefault(process, Long.MAX_VALUE);
    }

    <T extends Event> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
