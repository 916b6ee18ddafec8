package io.tensorpool.hardening;

import io.aeron.Aeron;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.StreamDefinition;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.LeaseState;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full /dev/shm, simulated with a 256 KiB tmpfs: region creation fails synchronously with an error naming the path
 * and the size (the file's blocks are reserved with writes before it is mapped, so no SIGBUS can surface later), leaves
 * no file and no mapping behind (the space is free again right away), and the driver answers the failing attach with an
 * error and keeps serving other streams. Needs permission to mount a tmpfs (root with CAP_SYS_ADMIN, as in CI); where
 * the mount is refused the tests are skipped with that reason.
 */
class FullShmTest
{
    private static final int TMPFS_BYTES = 256 * 1024;

    @TempDir
    Path tmp;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountTinyTmpfs() throws Exception
    {
        mount = Files.createDirectories(tmp.resolve("tiny"));
        final String refused = ScratchMount.mount("tmpfs", "size=" + TMPFS_BYTES + ",mode=0700", mount);
        mounted = refused == null;
        assumeTrue(mounted, refused);
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mounted)
        {
            assertFalse(ScratchMount.unmount(mount),
                "the tmpfs was still in use after the test: a region leaked its mapping or file");
        }
    }

    @Test
    void prefaultedRegionLargerThanTheFreeSpaceFailsCleanly()
    {
        final Path file = mount.resolve("big.pool");
        final RegionSpec big = RegionSpec.payloadPool(1, 1, 1, 64, 65536);
        final ShmValidationException ex = assertThrows(ShmValidationException.class, () -> MappedRegion.create(
            file, big, MappedRegion.PRIVATE_FILE_MODE, true, 1, 1));
        assertTrue(ex.getMessage().contains("cannot create region file " + file), ex.getMessage());
        assertTrue(ex.getMessage().contains("reserving its " + big.fileSize() + " bytes failed"), ex.getMessage());
        assertTrue(ex.getMessage().contains("No space left on device"), ex.getMessage());
        assertFalse(Files.exists(file), "a failed creation must not leave the file behind");

        // nothing of the failed region holds on to the tmpfs: a region of more than half of it fits right after
        final Path next = mount.resolve("next.pool");
        try (MappedRegion region = MappedRegion.create(next, RegionSpec.payloadPool(1, 1, 2, 2, 65536),
            MappedRegion.PRIVATE_FILE_MODE, true, 1, 1))
        {
            assertEquals(2, region.spec().nslots());
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(next);
        }
    }

    @Test
    void driverRejectsTheAttachAndKeepsServing()
    {
        TestMediaDriver media = null;
        Aeron aeron = null;
        ShmDriver driver = null;
        DriverClient big = null;
        DriverClient small = null;
        try
        {
            media = TestMediaDriver.launch();
            aeron = media.connect();
            driver = new ShmDriver(new ShmDriver.Context()
                .aeron(aeron)
                .instanceId("full")
                .shmBaseDir(mount)
                .profile(new DriverProfile("big", 64, new int[]{1}, new int[]{65536}))
                .profile(new DriverProfile("small", 4, new int[]{1}, new int[]{4096}))
                .stream(new StreamDefinition("big", 9001, "big"))
                .stream(new StreamDefinition("small", 9002, "small"))
                .allowDynamicStreams(false)
                .prefault(true));
            driver.onStart();
            big = new DriverClient(clientContext(aeron, 9001));
            small = new DriverClient(clientContext(aeron, 9002));
            final ShmDriver d = driver;
            final DriverClient b = big;
            final DriverClient s = small;
            b.requestAttach();
            Await.until("big attach answered", Duration.ofSeconds(30),
                () -> b.lastCode() != null && b.lastCode() != ResponseCode.OK, () -> pump(d, b, s));
            assertNotEquals(LeaseState.ATTACHED, b.state());
            System.out.println("full tmpfs attach: " + b.lastCode() + " " + b.lastMessage());
            assertTrue(b.lastMessage() != null && !b.lastMessage().isEmpty(), "the error names the problem");

            s.requestAttach();
            Await.until("small stream still served", Duration.ofSeconds(30),
                () -> s.state() == LeaseState.ATTACHED, () -> pump(d, b, s));
            assertFalse(d.isTerminated());
            assertEquals(LeaseState.ATTACHED, s.state());
        }
        finally
        {
            CloseHelper.quietCloseAll(small, big, driver, aeron, media);
        }
    }

    private static DriverClient.Context clientContext(final Aeron aeron, final int streamId)
    {
        return new DriverClient.Context()
            .aeron(aeron)
            .streamId(streamId)
            .role(Role.PRODUCER)
            .publishMode(PublishMode.EXISTING_OR_CREATE)
            .keepaliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .attachTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .announceFreshnessNs(TimeUnit.SECONDS.toNanos(30));
    }

    private static void pump(final ShmDriver driver, final DriverClient... clients)
    {
        driver.doWork();
        for (final DriverClient client : clients)
        {
            client.doWork();
        }
    }
}
