package io.kafkacassandra.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.plugin.interfaces.Storage;
import org.apache.kafka.plugin.interfaces.StoreUnavailableException;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The bundles' life cycle in a Karaf of its own (an uninstall must not disturb the other tests): restarting the
 * session or a service bundle, and uninstalling the feature, leave no thread or session behind, and consumers
 * recover after a restart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureLifecycleIT extends KarafTestSupport {
    @Test
    public void restartingABundleOrUninstallingTheFeatureLeavesNoThreadAndConsumersRecover() throws Exception {
        Storage storage = service(Storage.class, null);
        retry(() -> storage.fetch("/itest/any").get(10, TimeUnit.SECONDS));
        Bundle session = bundle("io.kafkacassandra.session");
        session.stop();
        awaitNoThread("kafka-cassandra"); // the driver's threads and the services' own
        try {
            storage.put("/itest/restart", "x");
            fail("no session: unavailable");
        } catch (StoreUnavailableException expected) {
            // at once
        }
        session.start();
        retry(() -> {
            service(Storage.class, null).put("/itest/restart/" + System.nanoTime(), "back");
            return null;
        });

        Bundle storageBundle = bundle("io.kafkacassandra.storage");
        storageBundle.stop();
        storageBundle.start();
        retry(() -> service(Storage.class, null).fetch("/itest/any").get(10, TimeUnit.SECONDS));

        // No refresh: a refresh would restart this test's own probe bundle.
        features.uninstallFeature("kafka-cassandra", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        awaitNoThread("kafka-cassandra");
        for (Bundle b : context.getBundles()) {
            assertTrue(b.getSymbolicName() + " is gone", !b.getSymbolicName().startsWith("io.kafkacassandra"));
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private static void awaitNoThread(String prefix) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<String> left = threads(prefix);
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            left = threads(prefix);
        }
        assertEquals("threads left", List.of(), left);
    }

    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .sorted()
                .toList();
    }
}
