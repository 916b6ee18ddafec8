package io.tensorpool.driver;

import io.aeron.Aeron;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Epochs continue across driver restarts (Driver §10) and stale epoch directories are collected (Wire §15.21a.7). */
class DriverEpochTest
{
    private static final int STREAM = 10010;

    private static ShmDriver.Context context(final Aeron aeron, final Path base)
    {
        return new ShmDriver.Context()
            .aeron(aeron)
            .instanceId("epochs")
            .shmBaseDir(base)
            .profile(new DriverProfile("small", 16, new int[]{1}, new int[]{4096}))
            .prefault(false)
            .embeddedDiscovery(false)
            .epochGcKeep(2)
            .epochGcMinAgeNs(0)
            .announcePeriodNs(1_000_000);
    }

    private static DriverClient producer(final Aeron aeron)
    {
        return new DriverClient(new DriverClient.Context()
            .aeron(aeron)
            .streamId(STREAM)
            .role(Role.PRODUCER)
            .publishMode(io.tensorpool.codecs.driver.PublishMode.EXISTING_OR_CREATE));
    }

    private static long epochDirectories(final Path streamDir) throws IOException
    {
        try (Stream<Path> entries = Files.list(streamDir))
        {
            return entries.filter(p -> p.getFileName().toString().startsWith("epoch-")).count();
        }
    }

    @Test
    void epochsContinueAfterRestartAndOldEpochsAreCollected() throws Exception
    {
        final Path base = Path.of("/dev/shm", "tp-driver-epochs-" + UUID.randomUUID());
        final Path streamDir = base.resolve("tensorpool").resolve("epochs-stream-" + STREAM);
        try (TestMediaDriver media = TestMediaDriver.launch(); Aeron aeron = media.connect())
        {
            long lastEpoch;
            ShmDriverLauncher driver = ShmDriverLauncher.launch(context(aeron, base));
            try
            {
                long previous = 0;
                for (int i = 0; i < 4; i++)
                {
                    try (DriverClient client = producer(aeron))
                    {
                        final long epoch = client.attach(Duration.ofSeconds(20)).epoch();
                        assertTrue(epoch > previous, "epoch " + epoch + " after " + previous);
                        previous = epoch;
                    }
                }
                lastEpoch = previous;
                Await.until("old epochs collected (keep 2)", Duration.ofSeconds(20),
                    () -> safeCount(streamDir) <= 2, () -> {});
            }
            finally
            {
                CloseHelper.close(driver);
            }
            assertTrue(epochDirectories(streamDir) <= 2);

            // A new driver instance on the same base dir continues above every epoch on disk.
            driver = ShmDriverLauncher.launch(context(aeron, base));
            try (DriverClient client = producer(aeron))
            {
                final long epoch = client.attach(Duration.ofSeconds(20)).epoch();
                assertTrue(epoch > lastEpoch + 1, "restart epoch " + epoch + " must exceed " + (lastEpoch + 1) +
                    " (the epoch created when the last producer detached)");
            }
            finally
            {
                CloseHelper.close(driver);
            }
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(base);
        }
    }

    private static long safeCount(final Path dir)
    {
        try
        {
            return epochDirectories(dir);
        }
        catch (final IOException ex)
        {
            return Long.MAX_VALUE;
        }
    }
}
