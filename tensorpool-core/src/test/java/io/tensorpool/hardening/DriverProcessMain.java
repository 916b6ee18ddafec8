package io.tensorpool.hardening;

import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.ShmDriverLauncher;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An SHM driver in its own JVM for {@link DriverRestartTest}: connects to the given Aeron directory, serves the given
 * base directory, prints {@code DRIVER READY} and runs until killed.
 */
public final class DriverProcessMain
{
    static final long PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private DriverProcessMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        ShmDriverLauncher.launch(new ShmDriver.Context()
            .aeronDirectoryName(args[0])
            .launchEmbeddedMediaDriver(false)
            .instanceId("restart")
            .shmBaseDir(Path.of(args[1]))
            .profile(new DriverProfile("small", 16, new int[]{1}, new int[]{4096}))
            .prefault(false)
            .keepaliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .expiryGraceIntervals(3)
            .announcePeriodNs(PERIOD_NS));
        System.out.println("DRIVER READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
