package io.tensorpool.hardening;

import io.aeron.Aeron;
import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.shm.HugepagesUnavailableException;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Regions on a real hugetlbfs mount (Wire §15.22, Driver §4.3), as the spec recommends for production: created,
 * announced with {@code require_hugepages=true}, mapped by a consumer, frames round-tripped byte for byte, and every
 * mapping released again (the mount unmounts). hugetlbfs only takes file sizes and mapping lengths in whole hugepages,
 * which a tmpfs-only test never exercises. Needs root to reserve 2 MiB hugepages and mount hugetlbfs; where either is
 * refused the tests are skipped with the reason. Hugepages reserved here are given back afterwards.
 */
class HugetlbfsTest
{
    private static final long HUGEPAGE = 2L << 20;
    /** Enough for a few streams of one 4-slot 2 MiB pool; each region takes whole hugepages. */
    private static final int PAGES_NEEDED = 48;
    private static final Path NR_HUGEPAGES = Path.of("/proc/sys/vm/nr_hugepages");

    private static long originalNrHugepages = -1;
    private static String skipReason;

    @TempDir
    Path tmp;
    private Path mount;
    private boolean mounted;

    @BeforeAll
    static void reserveHugepages()
    {
        try
        {
            final long free = meminfo("HugePages_Free:");
            if (free < PAGES_NEEDED)
            {
                final long total = Long.parseLong(Files.readString(NR_HUGEPAGES).trim());
                Files.writeString(NR_HUGEPAGES, Long.toString(total + PAGES_NEEDED - free));
                originalNrHugepages = total;
                if (meminfo("HugePages_Free:") < PAGES_NEEDED)
                {
                    skipReason = "the kernel gave only " + meminfo("HugePages_Free:") + " free 2 MiB hugepages, " +
                        PAGES_NEEDED + " needed";
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            skipReason = "cannot reserve 2 MiB hugepages here (needs root): " + ex;
        }
    }

    @AfterAll
    static void giveBackHugepages() throws IOException
    {
        if (originalNrHugepages >= 0)
        {
            Files.writeString(NR_HUGEPAGES, Long.toString(originalNrHugepages));
        }
    }

    @BeforeEach
    void mountHugetlbfs() throws Exception
    {
        assumeTrue(skipReason == null, skipReason);
        mount = Files.createDirectories(tmp.resolve("huge"));
        final String refused = ScratchMount.mount("hugetlbfs", "pagesize=2M,mode=0700", mount);
        mounted = refused == null;
        assumeTrue(mounted, refused);
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mounted)
        {
            assertFalse(ScratchMount.unmount(mount),
                "hugetlbfs was still in use after the test: a region leaked its mapping or file");
        }
    }

    @Test
    void regionsAreCreatedInWholeHugepagesAndMappedWithRequireHugepages()
    {
        final long freeBefore = meminfo("HugePages_Free:");
        final StreamRegions owner = StreamRegionFiles.create(mount, "ns", "producer-a", 7, 1, 4, new int[]{1},
            new int[]{(int)HUGEPAGE}, MappedRegion.PRIVATE_FILE_MODE, true, System.nanoTime());
        StreamRegions consumer = null;
        StreamRegions unflagged = null;
        try
        {
            final StreamLayout layout = StreamRegionFiles.layoutOf(owner, true);
            assertTrue(layout.headerRegionUri().endsWith("|require_hugepages=true"), layout.headerRegionUri());
            // header ring: 64 + 4 * 256 bytes -> one hugepage; pool: 64 + 4 * 2 MiB -> five
            assertEquals(6, freeBefore - meminfo("HugePages_Free:"), "hugepages taken by the two regions");

            consumer = StreamRegionFiles.map(layout, RegionPathPolicy.of(mount), false);
            final UnsafeBuffer written = owner.pool(0).region().buffer();
            final int last = (int)(RegionSpec.payloadPool(7, 1, 1, 4, (int)HUGEPAGE).fileSize() - 8);
            written.putLong(64, 0x1122334455667788L);
            written.putLong(last, 0x0102030405060708L);
            final UnsafeBuffer read = consumer.pool(0).region().buffer();
            assertEquals(0x1122334455667788L, read.getLong(64));
            assertEquals(0x0102030405060708L, read.getLong(last));

            // a writer may put regions on hugetlbfs without require_hugepages: they map (and unmap) just the same
            unflagged = StreamRegionFiles.map(StreamRegionFiles.layoutOf(owner, false), RegionPathPolicy.of(mount),
                false);
            assertEquals(0x0102030405060708L, unflagged.pool(0).region().buffer().getLong(last));
            assertEquals(owner.pool(0).region().spec().fileSize(), unflagged.pool(0).region().buffer().capacity(),
                "the buffer covers the layout, not the whole-hugepage mapping");
        }
        finally
        {
            // closing unmaps: a mapping length that is not whole hugepages fails munmap, and the JDK's cleaner then
            // ends the JVM ("Cleaner terminated abnormally")
            CloseHelper.quietCloseAll(unflagged, consumer, owner);
            StreamRegionFiles.deleteRecursively(mount.resolve("ns"));
        }
        assertEquals(freeBefore, meminfo("HugePages_Free:"), "every hugepage is free again once the files are gone");
    }

    @Test
    void aStrideSmallerThanTheHugepageIsRefusedOnCreate()
    {
        final ShmValidationException ex = assertThrows(ShmValidationException.class, () -> StreamRegionFiles.create(
            mount, "ns", "producer-b", 7, 1, 4, new int[]{1}, new int[]{65536}, MappedRegion.PRIVATE_FILE_MODE, true,
            System.nanoTime()));
        assertTrue(ex.getMessage().contains("65536"), ex.getMessage());
        assertFalse(Files.exists(mount.resolve("ns").resolve("producer-b").resolve("epoch-1")),
            "a refused stream leaves no epoch directory");
    }

    @Test
    void runningOutOfHugepagesFailsCreationAtOnceAndTheDriverRejectsTheAttach() throws Exception
    {
        // a mount limited to two hugepages: a 4-slot 2 MiB pool needs five
        final Path small = Files.createDirectories(tmp.resolve("small"));
        final String refused = ScratchMount.mount("hugetlbfs", "pagesize=2M,size=4M,mode=0700", small);
        assumeTrue(refused == null, refused);
        TestMediaDriver media = null;
        Aeron aeron = null;
        ShmDriver driver = null;
        DriverClient client = null;
        try
        {
            final Path file = small.resolve("big.pool");
            final HugepagesUnavailableException ex = assertThrows(HugepagesUnavailableException.class,
                () -> MappedRegion.create(file, RegionSpec.payloadPool(1, 1, 1, 4, (int)HUGEPAGE),
                MappedRegion.PRIVATE_FILE_MODE, true, 1, 1));
            assertTrue(ex.getMessage().contains("cannot create region file " + file), ex.getMessage());
            assertTrue(ex.getMessage().contains("could not reserve 5 hugepage(s) of 2097152 bytes"), ex.getMessage());
            assertTrue(ex.getMessage().contains("HugePages_Free="), ex.getMessage());
            assertFalse(Files.exists(file), "a failed creation leaves no file");

            media = TestMediaDriver.launch();
            aeron = media.connect();
            driver = new ShmDriver(new ShmDriver.Context()
                .aeron(aeron)
                .instanceId("small")
                .shmBaseDir(small)
                .requireHugepages(true)
                .profile(new DriverProfile("huge", 4, new int[]{1}, new int[]{(int)HUGEPAGE})));
            client = new DriverClient(new DriverClient.Context()
                .aeron(aeron)
                .streamId(10403)
                .role(Role.PRODUCER)
                .publishMode(PublishMode.EXISTING_OR_CREATE)
                .requireHugepages(HugepagesPolicy.HUGEPAGES));
            final ShmDriver d = driver;
            final DriverClient c = client;
            c.requestAttach();
            Await.until("attach answered", Duration.ofSeconds(30), () -> c.lastCode() != null, () ->
            {
                d.doWork();
                c.doWork();
            });
            assertEquals(ResponseCode.REJECTED, c.lastCode(), c.lastMessage());
            assertTrue(c.lastMessage().contains("cannot provide hugepage-backed regions"), c.lastMessage());
            assertTrue(c.lastMessage().contains("could not reserve"), c.lastMessage());
            assertFalse(d.isTerminated(), "the driver keeps serving");
        }
        finally
        {
            CloseHelper.quietCloseAll(client, driver, aeron, media);
            assertFalse(ScratchMount.unmount(small), "the small hugetlbfs was still in use: a mapping leaked");
        }
    }

    @Test
    void standaloneProducerRequiringHugepagesAnnouncesThemAndFramesArrive()
    {
        TestMediaDriver media = null;
        Aeron aeron = null;
        TensorPoolProducer producer = null;
        TensorPoolConsumer consumer = null;
        try
        {
            media = TestMediaDriver.launch();
            aeron = media.connect();
            producer = new TensorPoolProducer(new TensorPoolProducer.Context()
                .aeron(aeron)
                .streamId(10402)
                .shmBaseDir(mount)
                .requireHugepages(true)
                .headerNslots(4)
                .poolStrides((int)HUGEPAGE)
                .prefault(true));
            consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
                .aeron(aeron)
                .streamId(10402)
                .allowedBaseDirs(List.of(mount)));
            roundTrip(producer, consumer, producer::doWork);
            assertTrue(producer.layout().headerRegionUri().endsWith("|require_hugepages=true"),
                producer.layout().headerRegionUri());
        }
        finally
        {
            CloseHelper.quietCloseAll(consumer, producer, aeron, media);
            StreamRegionFiles.deleteRecursively(mount.resolve("tensorpool"));
        }
    }

    @Test
    void framesFlowThroughADriverThatRequiresHugepages()
    {
        TestMediaDriver media = null;
        Aeron aeron = null;
        ShmDriver driver = null;
        TensorPoolProducer producer = null;
        TensorPoolConsumer consumer = null;
        try
        {
            media = TestMediaDriver.launch();
            aeron = media.connect();
            driver = new ShmDriver(new ShmDriver.Context()
                .aeron(aeron)
                .instanceId("huge")
                .shmBaseDir(mount)
                .requireHugepages(true)
                .profile(new DriverProfile("huge", 4, new int[]{1}, new int[]{(int)HUGEPAGE}))
                .prefault(true));
            producer = new TensorPoolProducer(new TensorPoolProducer.Context()
                .aeron(aeron)
                .streamId(10401)
                .useDriver(true)
                .requireHugepages(true)
                .shmBaseDir(mount));
            consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
                .aeron(aeron)
                .streamId(10401)
                .useDriver(true)
                .allowedBaseDirs(List.of(mount)));

            final ShmDriver d = driver;
            final TensorPoolProducer p = producer;
            roundTrip(producer, consumer, () ->
            {
                d.doWork();
                p.doWork();
            });
        }
        finally
        {
            CloseHelper.quietCloseAll(consumer, producer, driver, aeron, media);
            StreamRegionFiles.deleteRecursively(mount.resolve("tensorpool"));
        }
    }

    /** Three frames of nearly a hugepage each, offered one at a time, must arrive byte for byte. */
    private static void roundTrip(final TensorPoolProducer p, final TensorPoolConsumer c, final Runnable others)
    {
        final List<byte[]> received = new ArrayList<>();
        final FrameHandler handler = frame ->
        {
            final byte[] bytes = new byte[frame.valuesLength()];
            frame.payload().getBytes(0, bytes);
            if (frame.stillCommitted())
            {
                received.add(bytes);
            }
        };
        final Runnable duty = () ->
        {
            others.run();
            c.poll(handler, 16);
        };
        Await.until("producer ready and consumer mapped", Duration.ofSeconds(30),
            () -> p.epoch() > 0 && c.state() == TensorPoolConsumer.State.MAPPED && c.epoch() == p.epoch(), duty);

        final int length = (int)HUGEPAGE - 4096;
        final UnsafeBuffer src = new UnsafeBuffer(new byte[length]);
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            for (int b = 0; b < length; b += 4096)
            {
                src.putInt(b, i * 1_000_003 + b);
            }
            final byte[] copy = new byte[length];
            src.getBytes(0, copy);
            sent.add(copy);
            Await.until("frame " + i + " offered", Duration.ofSeconds(30),
                () -> p.offer(src, 0, length, Dtype.UINT8, new int[]{length}, 1) >= 0, duty);
            final int expected = i + 1;
            Await.until("frame " + i + " received", Duration.ofSeconds(30), () -> received.size() >= expected, duty);
        }
        for (int i = 0; i < 3; i++)
        {
            assertArrayEquals(sent.get(i), received.get(i), "frame " + i + " arrives byte for byte");
        }
    }

    private static long meminfo(final String key)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/meminfo")))
            {
                if (line.startsWith(key))
                {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read /proc/meminfo", ex);
        }
        throw new IllegalStateException(key + " not in /proc/meminfo");
    }
}
