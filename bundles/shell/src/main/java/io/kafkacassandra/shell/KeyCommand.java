package io.kafkacassandra.shell;

import org.apache.kafka.plugin.interfaces.VersionedStorage;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(
        scope = "kafka-cassandra",
        name = "key",
        description = "Reads or changes a key: get, put, update, delete, or list the children of a namespace")
@Service
public class KeyCommand implements Action {
    @Reference(optional = true)
    VersionedStorage storage;

    @Argument(index = 0, name = "operation", description = "get | put | update | delete | list", required = true)
    String operation;

    @Argument(
            index = 1,
            name = "key",
            description = "The key (a namespace for list), e.g. /brokers/topics/orders",
            required = true)
    String key;

    @Argument(index = 2, name = "value", description = "The value, for put and update", required = false)
    String value;

    @Override
    public Object execute() {
        Services.require(storage, VersionedStorage.class);
        switch (operation) {
            case "get" ->
                System.out.println(storage.fetchVersioned(key)
                        .map(v -> v.value() + "  (version " + v.version() + ")")
                        .orElse("(no such key)"));
            case "put" -> storage.put(key, requireValue());
            case "update" -> storage.update(key, requireValue());
            case "delete" -> System.out.println(storage.delete(key) ? "deleted" : "(no such key)");
            case "list" -> storage.children(key).stream().sorted().forEach(System.out::println);
            default ->
                throw new IllegalArgumentException(
                        "unknown operation " + operation + ": get, put, update, delete or list");
        }
        return null;
    }

    private String requireValue() {
        if (value == null) {
            throw new IllegalArgumentException(operation + " needs a value");
        }
        return value;
    }
}
