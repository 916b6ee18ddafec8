package io.tensorpool.driver;

import io.tensorpool.codecs.driver.Role;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.LeaseState;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tensorpool.driver.DriverTestHarness.STREAM;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A producer in another JVM is killed with SIGKILL: the driver expires its lease, bumps the epoch, the consumer
 * remaps, and a new producer attaches on a higher epoch with the consumer following (Driver §7).
 */
class ProducerCrashRecoveryTest
{
    @Test
    void killedProducerIsRecoveredByANewProducerOnAHigherEpoch() throws Exception
    {
        try (DriverTestHarness h = new DriverTestHarness(ctx -> ctx
            .nanoClock(SystemNanoClock.INSTANCE)
            .keepaliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .expiryGraceIntervals(5)
            .announcePeriodNs(TimeUnit.MILLISECONDS.toNanos(50))))
        {
            final DriverClient consumer = h.client(h.clientContext(STREAM, Role.CONSUMER, new ShmDriverTest.Events())
                .nanoClock(SystemNanoClock.INSTANCE)
                .keepaliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(200)));
            h.attach(consumer);
            final long before = consumer.attachment().epoch();

            final Process child = startProducer(h);
            try
            {
                h.pumpUntil("child producer attached", () -> h.driver.activeLeaseCount() == 2 &&
                    consumer.attachment() != null && consumer.attachment().epoch() > before);
                final long crashedEpoch = consumer.attachment().epoch();
                assertTrue(child.isAlive());

                child.destroyForcibly();
                assertTrue(child.waitFor(20, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL");

                h.pumpUntil("lease expired and consumer remapped", () -> h.driver.counters().leasesExpired() >= 1 &&
                    consumer.attachment() != null && consumer.attachment().epoch() > crashedEpoch);
                assertEquals(LeaseState.ATTACHED, consumer.state());

                final DriverClient next = h.client(h.clientContext(STREAM, Role.PRODUCER, new ShmDriverTest.Events())
                    .nanoClock(SystemNanoClock.INSTANCE)
                    .keepaliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(200)));
                h.attach(next);
                assertTrue(next.attachment().epoch() > crashedEpoch);
                h.pumpUntil("consumer on the new producer's epoch", () -> consumer.attachment() != null &&
                    consumer.attachment().epoch() == next.attachment().epoch());
                try (StreamRegions writable = StreamRegionFiles.map(next.attachment().layout(),
                    RegionPathPolicy.of(h.baseDir), true);
                    StreamRegions readable = StreamRegionFiles.map(consumer.attachment().layout(),
                        RegionPathPolicy.of(h.baseDir), false))
                {
                    assertEquals(writable.epoch(), readable.epoch());
                }
            }
            finally
            {
                child.destroyForcibly();
            }
        }
    }

    private static Process startProducer(final DriverTestHarness h) throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new ArrayList<>(List.of(java,
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            ProducerProcess.class.getName(), h.mediaDriver.aeronDirectoryName(), Integer.toString(STREAM),
            h.baseDir.toString()));
        final File log = Files.createTempFile("tp-producer-process-", ".log").toFile();
        log.deleteOnExit();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }
}
