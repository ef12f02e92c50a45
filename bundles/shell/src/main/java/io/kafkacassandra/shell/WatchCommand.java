package io.kafkacassandra.shell;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.plugin.interfaces.KeySetChangeListener;
import org.apache.kafka.plugin.interfaces.ListenerRegistry;
import org.apache.kafka.plugin.interfaces.ValueChangeListener;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(
        scope = "kafka-cassandra",
        name = "watch",
        description = "Prints the changes of a key (or of a namespace's key set) as listeners see them")
@Service
public class WatchCommand implements Action {
    @Reference(optional = true)
    ListenerRegistry registry;

    @Argument(index = 0, name = "key", description = "The key, or the namespace with --children", required = true)
    String key;

    @Option(name = "--children", description = "Watch the key set of the namespace instead of a value")
    boolean children;

    @Option(name = "--seconds", description = "How long to watch (Ctrl-C stops earlier)")
    int seconds = 60;

    @Override
    public Object execute() throws Exception {
        Services.require(registry, ListenerRegistry.class);
        ValueChangeListener values = v -> print(key + " = " + v.orElse("(deleted or missing)"));
        KeySetChangeListener keys = k -> print(key + " children: " + k);
        if (children) {
            registry.addKeySetChangeListener(key, keys);
        } else {
            registry.addValueChangeListener(key, values);
        }
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } finally {
            if (children) {
                registry.removeKeySetChangeListener(key, keys);
            } else {
                registry.removeValueChangeListener(key, values);
            }
        }
        return null;
    }

    private static void print(String line) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "  " + line);
    }
}
